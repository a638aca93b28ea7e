package volunteers

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/signin"
	"tremplin/internal/platform/web"
)

// LinkLifetime is how long a volunteer's sign-in link works (once).
const LinkLifetime = 30 * time.Minute

// links are the volunteer space's one-time links, within signin.SpaceQuota, beyond
// which the page answers the same and sends nothing.
var links = signin.Links{Kind: "volunteer", Lifetime: LinkLifetime, Quota: signin.SpaceQuota}

// SafeNext is next when it is a page of the volunteer space, "" otherwise.
func SafeNext(next string) string { return signin.SafeNext(next, "/volunteer") }

type loginData struct{ Sent bool }

// LoginForm asks a volunteer for their phone or email.
func (h *Handlers) LoginForm(w http.ResponseWriter, r *http.Request) {
	next := SafeNext(r.URL.Query().Get("next"))
	if h.IsVolunteer(r) {
		http.Redirect(w, r, cmp.Or(next, "/volunteer"), http.StatusSeeOther)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/login.html", loginData{}, web.NewForm(url.Values{"next": {next}}))
}

// contactOf reads a phone number or an email; phones are the number read in
// each country of the antennas.
func (h *Handlers) contactOf(ctx context.Context, s string) (phones []string, email string, err error) {
	if strings.Contains(s, "@") {
		e, ok := check.Email(s)
		if !ok {
			return nil, "", nil
		}
		return nil, auth.NormalizeEmail(e), nil
	}
	countries, err := db.Collect[string](h.DB.QueryContext(ctx, "SELECT DISTINCT country FROM antennas ORDER BY country"))(scanString)
	for _, c := range countries {
		if n, ok := check.Phone(c, s); ok {
			phones = append(phones, n)
		}
	}
	return phones, "", err
}

// LoginSend sends a one-time link by SMS and email to an active volunteer with
// that phone or email, and answers the same either way, so that the page tells
// nobody who volunteers.
func (h *Handlers) LoginSend(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("contact")
	f.MaxLength("contact", 200)
	next := SafeNext(f.Get("next"))
	f.Set("next", next)
	phones, email, err := h.contactOf(ctx, f.Get("contact"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if f.Get("contact") != "" && len(phones) == 0 && email == "" {
		f.Fail("contact", "volunteers.login.contact_invalid")
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "volunteers/login.html", loginData{}, f)
		return
	}
	v, err := ActiveByContact(ctx, h.DB, phones, email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	if err := h.sendLink(ctx, v, web.ClientAddress(r), next); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/login.html", loginData{Sent: true}, web.NewForm(url.Values{"next": {next}}))
}

// sendLink queues a sign-in link to the volunteer, by SMS and email, in their
// language; it goes even during quiet hours (they are waiting for it) and is
// dropped once it has expired. Asked for nobody (v nil), the request counts
// against the address all the same.
func (h *Handlers) sendLink(ctx context.Context, v *Volunteer, address, next string) error {
	now := h.now()
	var id int64
	if v != nil {
		id = v.ID
	}
	token, err := links.New(ctx, h.DB, id, address, now)
	if err != nil || v == nil {
		return err
	}
	if token == "" {
		h.Log.WarnContext(ctx, "volunteer: too many sign-in links asked for", "volunteer_id", v.ID)
		return nil
	}
	link := signin.URL(h.BaseURL, "/volunteer", token, next)
	return h.DB.Tx(ctx, func(tx *sql.Tx) error {
		return h.tell(ctx, tx, v, note{kind: "volunteer_link", body: "volunteers.sms.link", subject: "volunteers.email.link_subject",
			args: []any{"minutes", int(LinkLifetime.Minutes())}, link: link, urgent: true, expires: now.Add(LinkLifetime)})
	})
}

type linkData struct {
	Token   string
	Invalid bool
	Next    string
}

// LinkForm is where the link leads: a button that signs in (a link preview
// following it does not use it up), or, for an expired or used link, the way to
// ask for a new one.
func (h *Handlers) LinkForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ok, err := links.Valid(r.Context(), h.DB, token, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusGone
	}
	h.Render.Render(w, r, status, "volunteers/link.html", linkData{token, !ok, SafeNext(r.URL.Query().Get("next"))}, nil)
}

// LinkUse signs the volunteer in with the link, which then stops working. Only
// an active volunteer signs in.
func (h *Handlers) LinkUse(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	token := r.PathValue("token")
	id, err := links.Use(ctx, h.DB, token, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var v *Volunteer
	if id != 0 {
		if v, err = Get(ctx, h.DB, id); err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
	}
	next := SafeNext(r.PostFormValue("next"))
	if v == nil || v.State != "active" {
		h.Render.Render(w, r, http.StatusGone, "volunteers/link.html", linkData{token, true, next}, nil)
		return
	}
	if err := h.signIn(ctx, v.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "volunteer signed in", "volunteer_id", v.ID, "request_id", web.RequestID(ctx))
	http.Redirect(w, r, cmp.Or(next, "/volunteer"), http.StatusSeeOther)
}

// Logout ends the volunteer's session.
func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) {
	h.Auth.EndSession(w, r, "/volunteer/login")
}

// homeData is the volunteer's home page.
type homeData struct {
	V            *Volunteer
	AntennaName  string
	Requirements []Requirement
	Charter      *CharterText // the current charter, when the volunteer has not accepted it
	Lang         string
}

// Home is the volunteer's own page: their details and requirements, and the
// current charter to accept when it changed since they last did.
func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	today := h.now().Format(time.DateOnly)
	c, err := CurrentCharter(ctx, h.DB, today)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &homeData{V: v, Lang: v.Lang}
	if d.Requirements, err = Requirements(ctx, h.DB, v.ID, today, c.Version); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Charter = c
	for _, q := range d.Requirements {
		if q.Kind == Charter && !q.Outdated {
			d.Charter = nil
		}
	}
	if err := h.DB.QueryRowContext(ctx, "SELECT name FROM antennas WHERE id = $1", v.AntennaID).Scan(&d.AntennaName); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/space.html", d, nil)
}

// CharterAccept records that the volunteer accepted the current charter.
func (h *Handlers) CharterAccept(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	c, err := CurrentCharter(ctx, h.DB, h.now().Format(time.DateOnly))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if f.Get("charter") != "yes" || f.Get("version") != c.Key() {
		h.Flash(r, "volunteers.join.charter_required")
	} else if err := AcceptCharter(ctx, h.DB, v.ID, c.Version, h.now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	} else {
		h.Flash(r, "volunteers.charter.accepted")
	}
	http.Redirect(w, r, "/volunteer", http.StatusSeeOther)
}

// EditForm lets the volunteer change their availability, skills, languages and
// the language of their messages.
func (h *Handlers) EditForm(w http.ResponseWriter, r *http.Request) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"availability": {v.Availability}, "lang": {v.Lang}, "skills": v.Skills, "languages": v.Languages})
	d, err := h.formData(r.Context(), f, nil)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/edit.html", d, f)
}

// EditSave saves the volunteer's own changes.
func (h *Handlers) EditSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	choicesIn(f, v)
	if !f.Valid() {
		d, err := h.formData(ctx, f, nil)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "volunteers/edit.html", d, f)
		return
	}
	if err := UpdateOwn(ctx, h.DB, v); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "volunteers.space.saved")
	http.Redirect(w, r, "/volunteer", http.StatusSeeOther)
}
