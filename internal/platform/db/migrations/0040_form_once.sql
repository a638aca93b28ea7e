-- Forms safe to send twice (web.Once). Each rendered page carries a fresh random
-- token; the first POST that carries it to a path is recorded here, with where it
-- led (its redirect) once it has succeeded. The same form sent again (a double tap,
-- a slow network, the back button) is sent where the first one led instead of
-- running again. '' while the first is still running. Rows older than a day are
-- swept.
CREATE TABLE form_once (
  token TEXT NOT NULL,
  path TEXT NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY (token, path)
);
CREATE INDEX form_once_created ON form_once (created_at);
