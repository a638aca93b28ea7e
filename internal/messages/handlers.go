package messages

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

// Handlers answer the SMS provider's calls: delivery receipts and replies.
type Handlers struct {
	web.Deps
	// Secret authenticates the provider's calls (in the URL, or as the key of the
	// body's HMAC signature). Empty: the calls are refused.
	Secret string
}

// Status records a delivery receipt: POST /sms/status/{secret}. An undeliverable
// number flags the file so that staff ask for a new one.
func (h *Handlers) Status(w http.ResponseWriter, r *http.Request) {
	rep, err := notify.ParseStatusCallback(r, h.Secret)
	if errors.Is(err, notify.ErrCallbackAuth) {
		h.Log.WarnContext(r.Context(), "sms status refused", "err", err)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := Receipt(r.Context(), h.DB, rep, time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Receipt applies a provider's report to the message it is about, found by our
// reference or else by the provider's id. A late "sent" never undoes "delivered".
func Receipt(ctx context.Context, d *db.DB, rep notify.StatusReport, now time.Time) error {
	id, _ := strconv.ParseInt(rep.Reference, 10, 64)
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var (
			learner sql.NullInt64
			phone   string
		)
		err := tx.QueryRowContext(ctx, `SELECT id, learner_id, recipient FROM messages WHERE id = $1 AND channel = 'sms'`,
			id).Scan(&id, &learner, &phone)
		if err == sql.ErrNoRows && rep.ProviderID != "" {
			// A provider that does not send our reference back: its own id.
			err = tx.QueryRowContext(ctx, `SELECT id, learner_id, recipient FROM messages
				WHERE provider_id = $1 AND provider_id <> '' AND channel = 'sms' ORDER BY id LIMIT 1`,
				rep.ProviderID).Scan(&id, &learner, &phone)
		}
		if err == sql.ErrNoRows {
			return nil // not ours, or erased since
		}
		if err != nil {
			return err
		}
		at := db.FormatTime(now)
		switch {
		case rep.Status == notify.StatusDelivered:
			_, err = tx.ExecContext(ctx, `UPDATE messages SET state = 'delivered', reason = '', updated_at = $1
				WHERE id = $2 AND state IN ('sending', 'sent', 'failed')`, at, id)
		case rep.Status == notify.StatusFailed || rep.Status == notify.StatusExpired || rep.Undeliverable:
			reason := ReasonRefused
			if rep.Status == notify.StatusExpired {
				reason = ReasonExpired
			}
			if rep.Undeliverable {
				reason = ReasonUndeliverable
			}
			if rep.Code != "" {
				reason += ": " + truncate(rep.Code, 100)
			}
			_, err = tx.ExecContext(ctx, `UPDATE messages SET state = 'failed', reason = $1, updated_at = $2
				WHERE id = $3 AND state IN ('sending', 'sent')`, reason, at, id)
			if err == nil && rep.Undeliverable && learner.Valid {
				_, err = tx.ExecContext(ctx, `UPDATE learners SET phone_undeliverable_at = $1
					WHERE id = $2 AND phone = $3 AND phone_undeliverable_at = ''`, at, learner.Int64, phone)
			}
		}
		return err
	})
}

// stopWords are the replies that mean "send me nothing more", compared without
// case or accents: what French operators honour, in English and in Arabic too.
var stopWords = map[string]bool{"STOP": true, "ARRET": true, "ARRETER": true, "STOPSMS": true,
	"UNSUBSCRIBE": true, "توقف": true, "قف": true}

// Reply takes a person's SMS reply: POST /sms/reply/{secret} with fields from and
// body (JSON or form). STOP turns messages off for every file with that number.
func (h *Handlers) Reply(w http.ResponseWriter, r *http.Request) {
	if h.Secret == "" || subtle.ConstantTimeCompare([]byte(r.PathValue("secret")), []byte(h.Secret)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var in struct {
		From string `json:"from"`
		Body string `json:"body"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(io.LimitReader(r.Body, 8<<10)).Decode(&in); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
	} else {
		in.From, in.Body = r.PostFormValue("from"), r.PostFormValue("body")
	}
	phone, ok := check.AnyPhone(in.From)
	if !ok {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if IsStop(in.Body) {
		n, err := TurnOff(r.Context(), h.DB, phone, "stop", time.Now())
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Log.InfoContext(r.Context(), "messages turned off by a STOP reply", "files", n)
	}
	w.WriteHeader(http.StatusNoContent)
}

// IsStop reports whether an SMS reply asks for no more messages.
func IsStop(body string) bool {
	w := strings.ToUpper(strings.TrimSpace(strings.Trim(body, ".! \n")))
	w = strings.Map(func(r rune) rune {
		switch r {
		case 'Ê', 'É', 'È':
			return 'E'
		case ' ', '-':
			return -1
		}
		return r
	}, norm.NFC.String(w))
	return stopWords[w]
}

// TurnOff stops every message to the files with this phone number (E.164 or as
// compacted by check.AnyPhone); by says how the person asked (stop, staff).
func TurnOff(ctx context.Context, d *db.DB, phone, by string, now time.Time) (int64, error) {
	res, err := d.Exec(ctx, `UPDATE learners SET messages_off_at = $1, messages_off_by = $2
		WHERE phone = $3 AND messages_off_at = ''`, db.FormatTime(now), by, phone)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
