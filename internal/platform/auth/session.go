package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"tremplin/internal/platform/db"
)

// NewSessions returns the session manager: an opaque cookie whose data lives in the
// database, so any web process sharing the database can serve any request.
func NewSessions(d *db.DB, https bool) *scs.SessionManager {
	s := scs.New()
	s.Store = &sessionStore{d: d}
	s.Lifetime = 12 * time.Hour
	s.IdleTimeout = 4 * time.Hour
	s.Cookie.Name = "tremplin_session"
	s.Cookie.HttpOnly = true
	s.Cookie.SameSite = http.SameSiteLaxMode
	s.Cookie.Secure = https
	s.Cookie.Path = "/"
	return s
}

// sessionStore implements scs.Store on the sessions table, for both engines.
type sessionStore struct{ d *db.DB }

// The …Ctx methods are the ones scs calls: the request's context, and so its
// deadline, bounds the session's reads and writes. The others serve callers
// without a request.

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.d.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = $1 AND expiry > $2", token, time.Now().Unix()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, err
}

func (s *sessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	if ctx.Err() != nil {
		// The request's deadline passed and its page says so already: the
		// session (a flash, a language) is still kept, if the database answers.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
	}
	_, err := s.d.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, expiry.Unix())
	return err
}

func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.d.Exec(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// Sweep deletes expired sessions, sign-in failures and reset tokens; the
// application runs it now and then.
func Sweep(ctx context.Context, d *db.DB) error {
	now := time.Now().Unix()
	_, err := d.Exec(ctx, "DELETE FROM sessions WHERE expiry <= $1", now)
	if err == nil {
		_, err = d.Exec(ctx, "DELETE FROM login_failures WHERE at < $1", now-int64(failureWindow.Seconds()))
	}
	if err == nil {
		_, err = d.Exec(ctx, "DELETE FROM password_resets WHERE expires_at < $1", now-86400)
	}
	return err
}
