"""/api/auth: first-run setup, login (rate-limited), me, logout, password, API keys."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Body, HTTPException, Path, Request
from pydantic import BaseModel, Field

from curatarr.api.deps import PrincipalDep, RuntimeDep
from curatarr.api.schemas.auth import ApiKeyList, AuthStatus, DeletedKey, Done, Me, NewApiKey, TokenAnswer
from curatarr.auth.deps import public
from curatarr.auth.policy import SCOPES
from curatarr.auth.ratelimit import client_address, login_limiter
from curatarr.clock import iso

router = APIRouter(tags=["Auth"])


class Credentials(BaseModel):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=1024)


class PasswordChange(BaseModel):
    current_password: str = Field(..., max_length=1024)
    new_password: str = Field(..., max_length=1024)


class NewKey(BaseModel):
    name: str = Field(..., min_length=1, max_length=150)
    scope: Literal[SCOPES] | None = Field(  # type: ignore[valid-type]
        None, description="read | operator | admin; default read (see docs/security.md, Privileges)")


def _token_answer(token: str, claims) -> dict:
    return {"token": token, "expires_at": iso(claims.expires_at), "username": claims.username, "token_type": "bearer"}


@router.get("/api/auth/status", response_model=AuthStatus, response_model_exclude_unset=True,
            summary="Whether a user exists (open)")
@public
def auth_status(rt: RuntimeDep):
    configured = rt.auth.is_configured()
    return {"configured": configured, "required": True, "setup_required": not configured}


@router.post("/api/auth/setup", response_model=TokenAnswer, response_model_exclude_unset=True,
             summary="Create the first user and sign in (open until a user exists)")
@public
def auth_setup(rt: RuntimeDep, body: Credentials):
    token, claims = rt.auth.setup(body.username, body.password)
    return _token_answer(token, claims)


@router.post("/api/auth/login", response_model=TokenAnswer, response_model_exclude_unset=True,
             summary="Sign in; rate-limited per client")
@public
def auth_login(rt: RuntimeDep, body: Credentials, request: Request):
    client = client_address(request, rt.settings.general.trusted_proxies)
    limiter = login_limiter(rt)
    wait = limiter.acquire(client)
    if wait > 0:
        raise HTTPException(429, "Too many login attempts; try again later",
                            headers={"Retry-After": limiter.retry_after_header(wait)})
    token, claims = rt.auth.login(body.username, body.password)
    return _token_answer(token, claims)


@router.get("/api/auth/me", response_model=Me, response_model_exclude_unset=True,
            summary="Who the credentials belong to")
def auth_me(principal: PrincipalDep):
    return {"username": principal.username, "method": principal.method, "expires_at": iso(principal.expires_at),
            "scope": principal.scope}


@router.post("/api/auth/logout", response_model=Done, response_model_exclude_unset=True,
             summary="Revoke the token used for this call")
def auth_logout(rt: RuntimeDep, principal: PrincipalDep):
    if principal.method == "jwt" and principal.jti and principal.expires_at:
        rt.auth.revoke(principal.jti, principal.expires_at)
        return {"success": True, "message": "Token revoked"}
    return {"success": True, "message": "Nothing to revoke for this kind of credential"}


@router.post("/api/auth/password", response_model=TokenAnswer, response_model_exclude_unset=True,
             summary="Change the password; other sessions are signed out")
def auth_password(rt: RuntimeDep, principal: PrincipalDep, body: PasswordChange):
    if principal.method not in ("jwt", "basic"):
        raise HTTPException(403, "Only a logged-in user can change the password")
    rt.auth.change_password(principal.username, body.current_password, body.new_password)
    token, claims = rt.auth.issue(principal.username)
    return {"success": True, "message": "Password changed; other sessions are signed out", **_token_answer(token, claims)}


@router.get("/api/auth/keys", response_model=ApiKeyList, response_model_exclude_unset=True,
            summary="List API keys (never the keys themselves)")
def list_keys(rt: RuntimeDep):
    keys = [{"id": k.id, "name": k.name, "prefix": k.prefix, "scope": k.scope, "created_at": iso(k.created_at),
             "last_used_at": iso(k.last_used_at)} for k in rt.auth.list_api_keys()]
    return {"keys": keys, "total": len(keys)}


@router.post("/api/auth/keys", status_code=201, response_model=NewApiKey, response_model_exclude_unset=True,
             summary="Create an API key; shown once")
def create_key(rt: RuntimeDep, principal: PrincipalDep, body: NewKey = Body(...)):
    username = principal.username
    if principal.method == "webhook_secret":
        raise HTTPException(403, "The webhook secret cannot create API keys")
    row, key = rt.auth.create_api_key(username, body.name, body.scope)
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "scope": row.scope,
            "created_at": iso(row.created_at), "key": key,
            "message": "Copy this key now; it is not shown again"}


@router.delete("/api/auth/keys/{key_id}", response_model=DeletedKey, response_model_exclude_unset=True,
               summary="Delete an API key")
def delete_key(rt: RuntimeDep, key_id: int = Path(..., ge=1, le=2**31 - 1)):
    if not rt.auth.delete_api_key(key_id):
        raise HTTPException(404, "API key not found")
    return {"success": True, "id": key_id}
