"""The config.yml written on first start: every default, with comments that say what it is."""

DEFAULT_CONFIG_YAML = """\
# Curatarr configuration. Edit here or in the web UI (Settings); both keep your comments.
# Secrets (API keys, tokens, passwords, webhook URLs) are shown as ******** by the API.

general:
  log_level: info            # debug | info | warning | error
  timezone:                  # IANA zone for schedules (e.g. Europe/Berlin); empty = system zone
  allowed_roots: []          # extra folders the UI may browse / create folders in
  webhook_secret: ''         # shared secret for inbound webhooks (X-Webhook-Secret or ?secret=)
  update_check: false        # look up the newest release (never blocks a request > 2 s)
  max_logs: 9                # rotated copies kept per log file
  log_max_bytes: 10000000    # rotate a log file when it grows past this
  duplicate_exclude_groups: []  # lists of instance names that hold intentional copies (1080p + 4K)
  webhook_initial_delay: 30  # seconds to wait before looking for a webhook's item on the media server
  webhook_retry_delay: 60
  webhook_max_retries: 3

auth:
  token_expiry_hours: 24
  login_rate_per_second: 0.2 # one login attempt per 5 s per client IP ...
  login_burst: 5             # ... with a burst of 5

database:
  url:                       # empty = SQLite in the data dir; or postgresql+psycopg://user@host/db

backup:
  keep: 10                   # backups kept under data/backups
  max_upload_mb: 512         # largest backup zip accepted by restore

user_interface:
  theme: dark                # dark | light | auto

instances: {}                # instances.<type>.<name>: {url, api, enabled}

schedule: {}                 # schedule.<module>: cron(...) | interval(min) | hourly(MM) | daily(HH:MM) | ...

notifications: {}            # notifications.<module or main>.<service>: {...}
"""
