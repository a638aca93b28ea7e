// Package signin is the one-time link that lets people without a password (a
// partner's contact, a volunteer) into their own space: a random token sent by
// email or SMS, kept only as a hash, that expires and works once. The page the
// link leads to shows a button and only its POST uses the link, so that a mail
// scanner or a messaging app's preview following the link does not use it up.
package signin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path"
	"strings"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Links are the one-time links of one kind of space.
type Links struct {
	// Kind names the space ("partner", "volunteer"); it prefixes the token's
	// hash, so a token of one space signs nobody into another.
	Kind string
	// Lifetime is how long a link works (once).
	Lifetime time.Duration
	// Quota is how many links a subject may be sent, and an address may ask
	// for; beyond, New gives none (no inbox or phone flooding).
	Quota Quota
}

func (l Links) hash(token string) string {
	sum := sha256.Sum256([]byte("tremplin-" + l.Kind + ":" + token))
	return hex.EncodeToString(sum[:])
}

// New creates a one-time token for subject, asked for from address (see
// Quota.Take: 0 for nobody, "" for a link sent on someone's behalf); "" when there
// is no subject or the quota is spent.
func (l Links) New(ctx context.Context, d *db.DB, subject int64, address string, now time.Time) (string, error) {
	ok, err := l.Quota.Take(ctx, d, l.Kind, subject, address, now)
	if err != nil || !ok {
		return "", err
	}
	token := rand.Text()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM signin_links WHERE expires_at < $1", db.FormatTime(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO signin_links (token_hash, kind, subject_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
			l.hash(token), l.Kind, subject, db.FormatTime(now.Add(l.Lifetime)), db.FormatTime(now))
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Valid reports whether a token is unused and unexpired, without using it.
func (l Links) Valid(ctx context.Context, d *db.DB, token string, now time.Time) (bool, error) {
	var n int
	err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM signin_links WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3",
		l.hash(token), l.Kind, db.FormatTime(now)).Scan(&n)
	return n > 0, err
}

// Use uses a token once and returns its subject; 0 when it is unknown, expired or
// already used (two simultaneous uses: one wins).
func (l Links) Use(ctx context.Context, d *db.DB, token string, now time.Time) (int64, error) {
	var id int64
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE signin_links SET used_at = $1 WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1",
			db.FormatTime(now), l.hash(token), l.Kind)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.QueryRowContext(ctx, "SELECT subject_id FROM signin_links WHERE token_hash = $1", l.hash(token)).Scan(&id)
	})
	return id, err
}

// Revoke makes every link of subject stop working: a link sent to an address
// that is no longer the one to confirm.
func (l Links) Revoke(ctx context.Context, ex db.Execer, subject int64) error {
	_, err := ex.ExecContext(ctx, "DELETE FROM signin_links WHERE kind = $1 AND subject_id = $2", l.Kind, subject)
	return err
}

// SafeNext returns next when it is a page of the space under root (a local path
// such as "/partner" or below it, not the sign-in pages root+"/login…" nor
// root+"/logout"), "" otherwise: where a sign-in link may lead once used, so that
// no link can send someone elsewhere.
func SafeNext(next, root string) string {
	if len(next) > 300 || !strings.HasPrefix(next, root) || web.LocalPath(next) == "" {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Fragment != "" {
		return ""
	}
	p := u.Path
	if p != root && !strings.HasPrefix(p, root+"/") {
		return ""
	}
	if path.Clean(p) != p || strings.Contains(u.RawPath, "%") || strings.HasPrefix(p, root+"/login") || p == root+"/logout" {
		return ""
	}
	return u.RequestURI()
}

// URL is the address a sign-in link carries: the space's sign-in page for token
// under root ("/partner", "/volunteer") on base, leading to next once used (a
// SafeNext path, or "" for the space's home).
func URL(base, root, token, next string) string {
	link := base + root + "/login/" + url.PathEscape(token)
	if next != "" {
		link += "?next=" + url.QueryEscape(next)
	}
	return link
}
