// Tiny API client: JSON in/out, the stored token on every call, errors thrown with the server's detail.
const TOKEN_KEY = "curatarr-token";

export class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : formatDetail(detail));
    this.status = status;
    this.detail = detail;
  }
}

function formatDetail(detail) {
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const where = (d.loc || []).filter((p) => p !== "body").join(".");
      return where ? `${where}: ${d.msg}` : d.msg;
    }).join("; ");
  }
  return detail ? JSON.stringify(detail) : "Request failed";
}

export const auth = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  set token(value) { value ? localStorage.setItem(TOKEN_KEY, value) : localStorage.removeItem(TOKEN_KEY); },
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

async function request(method, path, body, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, signal: options.signal });
  if (res.status === 401 && !options.noAuthRedirect) onUnauthorized();
  if (options.raw) {
    if (!res.ok) throw new ApiError(res.status, await detailOf(res));
    return res;
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) throw new ApiError(res.status, data && data.detail !== undefined ? data.detail : data);
  return data;
}

async function detailOf(res) {
  try { const d = await res.json(); return d.detail ?? d; } catch { return res.statusText; }
}

export const api = {
  get: (path, o) => request("GET", path, undefined, o),
  post: (path, body, o) => request("POST", path, body, o),
  put: (path, body, o) => request("PUT", path, body, o),
  patch: (path, body, o) => request("PATCH", path, body, o),
  del: (path, o) => request("DELETE", path, undefined, o),
  raw: (method, path, body, o = {}) => request(method, path, body, { ...o, raw: true }),
  /** URL usable in <img>/EventSource (they cannot send headers): adds ?token=. */
  withToken(path) {
    const sep = path.includes("?") ? "&" : "?";
    return auth.token ? `${path}${sep}token=${encodeURIComponent(auth.token)}` : path;
  },
};
