package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"
)

// OnceField is the name of the hidden input that carries a page's one-time token
// (the "once" template puts it in a form).
const OnceField = "once"

// OnceTTL is how long a token is remembered: long enough for a form left open on a
// phone over lunch, short enough for the table to stay small.
const OnceTTL = 24 * time.Hour

// OnceDB is what Once needs of the database: a write outside a transaction and a
// read. *db.DB has both (web does not import the database package).
type OnceDB interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Once makes a form safe to send twice. Each rendered page carries a fresh token
// (Page.Once) that the "once" template puts in its forms. The first POST carrying
// a token to a path runs and, if it ends with a redirect, its Location is kept:
// the same form sent again (a double tap, a slow network, the back button) is sent
// there instead of creating a second note or a second file. A second arrival
// while the first still runs waits for it. A first answer that is not a
// redirect (422 form errors, an error page) releases the token, so the corrected
// form can be sent. POSTs without a token run as before.
type Once struct {
	DB     OnceDB
	Render *Renderer
	// Wait is how long a second arrival waits for the first to finish (10 s when 0).
	Wait time.Duration
}

func newOnceToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// onceToken reads the token of a urlencoded POST. A body that cannot be read is
// left for the handler to report (413, 400): the form is parsed again there.
func onceToken(r *http.Request) string {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	if err := r.ParseForm(); err != nil {
		r.Form, r.PostForm = nil, nil
		return ""
	}
	t := r.PostForm.Get(OnceField)
	if len(t) > 64 {
		return ""
	}
	return t
}

// Wrap guards a POST handler.
func (o *Once) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := onceToken(r)
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		ctx, path := r.Context(), r.URL.Path
		wait := o.Wait
		if wait == 0 {
			wait = 10 * time.Second
		}
		deadline := time.Now().Add(wait)
		for {
			res, err := o.DB.Exec(ctx, "INSERT INTO form_once (token, path, location, created_at) VALUES ($1, $2, '', $3) ON CONFLICT DO NOTHING",
				token, path, time.Now().UTC().Format(time.RFC3339))
			if err != nil {
				o.Render.Fail(w, r, err)
				return
			}
			if n, _ := res.RowsAffected(); n == 1 {
				o.first(w, r, next, token)
				return
			}
			var loc string
			err = o.DB.QueryRowContext(ctx, "SELECT location FROM form_once WHERE token = $1 AND path = $2", token, path).Scan(&loc)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				// The first was answered with its errors meanwhile: this one runs.
			case err != nil:
				o.Render.Fail(w, r, err)
				return
			case loc != "":
				http.Redirect(w, r, loc, http.StatusSeeOther)
				return
			}
			if time.Now().After(deadline) {
				// The first is still running: say so rather than run it twice.
				w.Header().Set("Retry-After", "5")
				o.Render.Error(w, r, http.StatusConflict)
				return
			}
			select {
			case <-ctx.Done():
				o.Render.Fail(w, r, ctx.Err())
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// first runs the handler for the first arrival of a token, then keeps where it
// led or releases the token.
func (o *Once) first(w http.ResponseWriter, r *http.Request, next http.Handler, token string) {
	ow := &onceWriter{ResponseWriter: w}
	// The bookkeeping outlives a client that went away or a deadline that passed,
	// so that the token is not left "running" until it expires; but not a
	// database that does not answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	defer func() {
		if ow.status >= 300 && ow.status < 400 && ow.location != "" {
			o.DB.Exec(ctx, "UPDATE form_once SET location = $1 WHERE token = $2 AND path = $3", ow.location, token, r.URL.Path)
			return
		}
		o.DB.Exec(ctx, "DELETE FROM form_once WHERE token = $1 AND path = $2", token, r.URL.Path)
	}()
	next.ServeHTTP(ow, r)
}

// onceWriter notes the status and the redirect of the first answer.
type onceWriter struct {
	http.ResponseWriter
	status   int
	location string
}

func (w *onceWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status, w.location = code, w.Header().Get("Location")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *onceWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *onceWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// SweepOnce forgets tokens older than OnceTTL.
func SweepOnce(ctx context.Context, d OnceDB) error {
	_, err := d.Exec(ctx, "DELETE FROM form_once WHERE created_at < $1", time.Now().Add(-OnceTTL).UTC().Format(time.RFC3339))
	return err
}
