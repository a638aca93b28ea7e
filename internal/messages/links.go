package messages

import (
	"context"
	"crypto/rand"
	"database/sql"
	"slices"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// A reply link lets a person answer a message without an account — "I cannot
// come" — for one appointment or meeting. One link per person and thing, reused by
// every message about it; it works until the thing begins. Twelve base-32
// characters (60 bits) keep an SMS short and a guess hopeless.

// ReplyLink returns the token of the person's link about refKind/refID, made in tx
// when there is none; expires is when the thing begins.
func ReplyLink(ctx context.Context, tx *sql.Tx, learnerID int64, refKind string, refID int64, expires time.Time) (string, error) {
	token := strings.ToLower(rand.Text()[:12])
	_, err := tx.ExecContext(ctx, `INSERT INTO reply_links (token, learner_id, ref_kind, ref_id, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ref_kind, ref_id, learner_id) DO UPDATE SET expires_at = $5`,
		token, learnerID, refKind, refID, db.FormatTime(expires), db.Now())
	if err != nil {
		return "", err
	}
	err = tx.QueryRowContext(ctx, `SELECT token FROM reply_links WHERE ref_kind = $1 AND ref_id = $2 AND learner_id = $3`,
		refKind, refID, learnerID).Scan(&token)
	return token, err
}

// Reply is a link as its page reads it.
type Reply struct {
	Token      string
	LearnerID  int64
	RefKind    string
	RefID      int64
	Expires    time.Time
	Answer     string // "" until the person answers; cannot_come
	AnsweredAt time.Time
}

// Open reports whether the link still takes an answer at now.
func (r *Reply) Open(now time.Time) bool { return r.Answer == "" && now.Before(r.Expires) }

// ReplyByToken reads a link of kind refKind; db.ErrNotFound for an unknown token.
func ReplyByToken(ctx context.Context, d *db.DB, refKind, token string) (*Reply, error) {
	var r Reply
	var expires, answered string
	err := d.QueryRowContext(ctx, `SELECT token, learner_id, ref_kind, ref_id, expires_at, answer, answered_at
		FROM reply_links WHERE token = $1 AND ref_kind = $2`, strings.ToLower(token), refKind).
		Scan(&r.Token, &r.LearnerID, &r.RefKind, &r.RefID, &expires, &r.Answer, &answered)
	if err != nil {
		return nil, db.NotFound(err)
	}
	r.Expires = db.ParseTime(expires)
	if answered != "" {
		r.AnsweredAt = db.ParseTime(answered)
	}
	return &r, nil
}

// Answer records the person's answer in tx; false when the link had one already
// (a second tap) or has expired.
func Answer(ctx context.Context, tx *sql.Tx, token, answer string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE reply_links SET answer = $1, answered_at = $2
		WHERE token = $3 AND answer = '' AND expires_at > $2`, answer, db.FormatTime(now), token)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LinkRequest asks for a person's reply link about one thing.
type LinkRequest struct {
	Learner int64
	RefKind string
	RefID   int64
	Expires time.Time
}

// ReplyLinks is ReplyLink for many at once (a planner's batch): the tokens, in
// the order of reqs.
func ReplyLinks(ctx context.Context, tx *sql.Tx, reqs []LinkRequest) ([]string, error) {
	now := db.Now()
	// One row per person and thing: several reminders of one meeting share a link.
	seen := map[[2]int64]map[string]bool{}
	var unique []LinkRequest
	for _, r := range reqs {
		k := [2]int64{r.RefID, r.Learner}
		if seen[k] == nil {
			seen[k] = map[string]bool{}
		}
		if !seen[k][r.RefKind] {
			seen[k][r.RefKind] = true
			unique = append(unique, r)
		}
	}
	var stmt strings.Builder
	for start := 0; start < len(unique); start += 500 {
		stmt.Reset()
		stmt.WriteString("INSERT INTO reply_links (token, learner_id, ref_kind, ref_id, expires_at, created_at) VALUES ")
		for i, r := range unique[start:min(start+500, len(unique))] {
			if i > 0 {
				stmt.WriteString(", ")
			}
			db.Row(&stmt, strings.ToLower(rand.Text()[:12]), r.Learner, r.RefKind, r.RefID, db.FormatTime(r.Expires), now)
		}
		stmt.WriteString(" ON CONFLICT (ref_kind, ref_id, learner_id) DO UPDATE SET expires_at = excluded.expires_at")
		if _, err := tx.ExecContext(ctx, stmt.String()); err != nil {
			return nil, err
		}
	}
	type key struct {
		kind         string
		ref, learner int64
	}
	tokens := map[key]string{}
	byKind := map[string][]int64{}
	for _, r := range reqs {
		byKind[r.RefKind] = append(byKind[r.RefKind], r.RefID)
	}
	for kind, ids := range byKind {
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for start := 0; start < len(ids); start += 500 {
			args := db.Args{kind}
			err := db.Each(tx.QueryContext(ctx, `SELECT ref_id, learner_id, token FROM reply_links WHERE ref_kind = $1 AND ref_id IN (`+
				db.InList(&args, ids[start:min(start+500, len(ids))])+`)`, args...))(func(row db.Scanner) error {
				k := key{kind: kind}
				var token string
				if err := row.Scan(&k.ref, &k.learner, &token); err != nil {
					return err
				}
				tokens[k] = token
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = tokens[key{r.RefKind, r.RefID, r.Learner}]
	}
	return out, nil
}
