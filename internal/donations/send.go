package donations

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// LinkValidity is how long the link of a receipt sent by email works.
const LinkValidity = 400 * 24 * time.Hour

func linkHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Sending is where the emailing of a year's receipts stands.
type Sending struct {
	Year int
	// ToSend are the receipts in force not yet emailed whose donor has an
	// address; NoEmail those whose donor has none (to post).
	ToSend, NoEmail int
	// The emails queued for the year's receipts, by state.
	Queued, Sent, Failed int
	Failures             []Failure
	NoEmailDonors        []string
}

// Failure is a receipt email the provider refused or could not deliver.
type Failure struct {
	Ref, Donor, Email, Reason string
}

// SendingOf reads where the year's emailing stands.
func SendingOf(ctx context.Context, d *db.DB, year int) (*Sending, error) {
	s := &Sending{Year: year}
	err := d.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN o.email <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.email = '' THEN 1 ELSE 0 END), 0)
		FROM receipts r JOIN donors o ON o.id = r.donor_id WHERE r.year = $1 AND r.state = 'issued' AND r.emailed_at IS NULL`, year).
		Scan(&s.ToSend, &s.NoEmail)
	if err != nil {
		return nil, err
	}
	err = db.Each(d.QueryContext(ctx, `SELECT m.state, COUNT(*) FROM messages m JOIN receipts r ON r.id = m.ref_id
		WHERE m.ref_kind = 'receipt' AND r.year = $1 GROUP BY m.state`, year))(func(row db.Scanner) error {
		var state string
		var n int
		if err := row.Scan(&state, &n); err != nil {
			return err
		}
		switch state {
		case "sent", "delivered":
			s.Sent += n
		case "failed", "dropped":
			s.Failed += n
		case "queued", "sending":
			s.Queued += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(d.QueryContext(ctx, `SELECT r.year, r.number, r.donor_name, m.recipient, m.reason FROM messages m
		JOIN receipts r ON r.id = m.ref_id WHERE m.ref_kind = 'receipt' AND r.year = $1 AND m.state IN ('failed', 'dropped')
		ORDER BY r.number LIMIT 200`, year))(func(row db.Scanner) error {
		var f Failure
		var y, n int
		if err := row.Scan(&y, &n, &f.Donor, &f.Email, &f.Reason); err != nil {
			return err
		}
		f.Ref = (&Receipt{Year: y, Number: n}).Ref()
		s.Failures = append(s.Failures, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(d.QueryContext(ctx, `SELECT r.donor_name FROM receipts r JOIN donors o ON o.id = r.donor_id
		WHERE r.year = $1 AND r.state = 'issued' AND r.emailed_at IS NULL AND o.email = '' ORDER BY r.number LIMIT 200`, year))(func(row db.Scanner) error {
		var name string
		err := row.Scan(&name)
		s.NoEmailDonors = append(s.NoEmailDonors, name)
		return err
	})
	return s, err
}

// SendReceipts queues, in batches of 500, one email per receipt of year in
// force and not yet emailed whose donor has an address: in the donor's
// language, with a link to the receipt's PDF that works LinkValidity. It
// returns how many it queued; a second run queues none of them again.
func SendReceipts(ctx context.Context, d *db.DB, o *messages.Outbox, baseURL string, year int, by int64, now time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			type due struct {
				id, antenna      int64
				number           int
				name, email, lng string
			}
			list, err := db.Collect[due](tx.QueryContext(ctx, `SELECT r.id, r.number, COALESCE(o.antenna_id, 0), r.donor_name, o.email, o.lang
				FROM receipts r JOIN donors o ON o.id = r.donor_id
				WHERE r.year = $1 AND r.state = 'issued' AND r.emailed_at IS NULL AND o.email <> '' ORDER BY r.number LIMIT 500`, year))(
				func(row db.Scanner) (due, error) {
					var u due
					err := row.Scan(&u.id, &u.number, &u.antenna, &u.name, &u.email, &u.lng)
					return u, err
				})
			if err != nil || len(list) == 0 {
				return err
			}
			var ms []messages.Message
			for _, u := range list {
				token := rand.Text()
				if _, err := tx.ExecContext(ctx, `UPDATE receipts SET link_hash = $1, link_expires = $2, emailed_at = $3 WHERE id = $4`,
					linkHash(token), db.FormatTime(now.Add(LinkValidity)), db.FormatTime(now), u.id); err != nil {
					return err
				}
				p := i18n.For(u.lng)
				ref := (&Receipt{Year: year, Number: u.number}).Ref()
				ms = append(ms, messages.Message{Antenna: u.antenna, Channel: messages.Email, Kind: "receipt", Lang: p.Lang, To: u.email,
					ToName: u.name, Subject: p.T("donations.email.subject", "ref", ref),
					Body: p.T("donations.email.body", "name", u.name, "ref", ref, "year", year), Link: baseURL + "/recu/" + token,
					RefKind: "receipt", RefID: u.id, By: by, Dedupe: "receipt:" + strconv.FormatInt(u.id, 10) + ":" + strconv.FormatInt(now.Unix(), 10)})
			}
			n = len(list)
			_, err = o.Add(ctx, tx, ms...)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < 500 {
			return total, nil
		}
	}
}

// SendPage shows where the emailing of a year's receipts stands: GET
// /donations/send?year=.
func (h *Handlers) SendPage(w http.ResponseWriter, r *http.Request) {
	year := h.now().Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= h.now().Year() {
		year = y
	}
	s, err := SendingOf(r.Context(), h.DB, year)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "donations/send.html", s, nil)
}

// SendStart queues the emails of the year's receipts not yet sent: POST
// /donations/send, with year.
func (h *Handlers) SendStart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(f.Get("year"))
	if err != nil || year < 2000 || year > h.now().Year() {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	n, err := SendReceipts(ctx, h.DB, h.Outbox, h.BaseURL, year, auth.Current(ctx).ID, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "receipts queued for email", "year", year, "count", n, "staff_id", auth.Current(ctx).ID)
	h.Flash(r, "donations.send.queued")
	http.Redirect(w, r, "/donations/send?year="+strconv.Itoa(year), http.StatusSeeOther)
}

// LinkPDF is a receipt opened from the link of its email, without an account:
// GET /recu/{token}. An unknown or expired link, or a receipt cancelled since,
// is the 404 page.
func (h *Handlers) LinkPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var id, donor int64
	var expires string
	err := h.DB.QueryRowContext(ctx, "SELECT id, donor_id, link_expires FROM receipts WHERE link_hash = $1 AND state = 'issued'",
		linkHash(r.PathValue("token"))).Scan(&id, &donor, &expires)
	if err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return
	}
	if t, err := time.Parse(time.RFC3339, expires); err != nil || h.now().After(t) {
		h.Render.NotFound(w, r)
		return
	}
	rc, err := ReceiptByID(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	o, err := DonorByID(ctx, h.DB, donor)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	body, err := RenderReceipt(ctx, h.DB, rc, o)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="recu-fiscal-`+rc.Ref()+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// AnnualPage issues the receipts of recurring donors for a year (one each
// for all their gifts of the year not yet receipted) and shows what it did:
// POST /donations/annual, with year. Running it again issues nothing twice.
func (h *Handlers) AnnualPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(f.Get("year"))
	if err != nil || year < 2000 || year > h.now().Year() {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	set, err := LoadSettings(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	out := &Annual{}
	if set.Complete() {
		if out, err = IssueAnnual(ctx, h.DB, year, h.now(), auth.Current(ctx).ID, nil); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	var cents int64
	for _, rc := range out.Issued {
		cents += rc.AmountCents
	}
	var refused []string
	for _, x := range out.Refused {
		refused = append(refused, x.Name)
	}
	h.Render.Render(w, r, http.StatusOK, "donations/annual.html", struct {
		Year       int
		Issued     int
		Cents      int64
		NoAddress  []string
		NoSettings bool
	}{year, len(out.Issued), cents, refused, !set.Complete()}, nil)
}
