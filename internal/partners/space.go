package partners

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/signin"
	"tremplin/internal/platform/web"
)

// LinkLifetime is how long a sign-in link works (once).
const LinkLifetime = 30 * time.Minute

// links are the partner space's one-time links, within signin.SpaceQuota, beyond
// which the page answers the same but sends nothing (no mailbox flooding).
var links = signin.Links{Kind: "partner", Lifetime: LinkLifetime, Quota: signin.SpaceQuota}

// ConfirmLifetime is how long a link to confirm a contact's new address works
// (once): it goes with an invitation, which may wait a few days to be read.
const ConfirmLifetime = 7 * 24 * time.Hour

// confirmLinks confirm the address typed for a contact (SaveContactFor) from its
// mailbox, and sign the contact in. They open the same page as sign-in links.
var confirmLinks = signin.Links{Kind: "partner-confirm", Lifetime: ConfirmLifetime, Quota: signin.SpaceQuota}

// askConfirmation emails c.NewEmail the link that confirms it, in c's language,
// with the message of the subject and body keys and the body's extra arguments.
func (h *Handlers) askConfirmation(ctx context.Context, c *Contact, subject, body string, args ...any) error {
	if c.NewEmail == "" {
		return nil
	}
	// Counted for the contact only: staff, or an invitation, typed the address.
	token, err := confirmLinks.New(ctx, h.DB, c.ID, "", time.Now())
	if err != nil || token == "" {
		if token == "" && err == nil {
			h.Log.WarnContext(ctx, "partner: too many confirmation links asked for", "contact_id", c.ID)
		}
		return err
	}
	p := i18n.For(c.Lang)
	args = append(args, "name", c.Name, "org", c.OrgName, "link", h.signInLink(token, ""),
		"days", int(ConfirmLifetime.Hours()/24), "login", h.BaseURL+"/partner/login")
	msg := notifyEmail(c.NewEmail, p.T(subject, "org", c.OrgName), p.T(body, args...))
	if err := h.Mail.Send(ctx, msg); err != nil {
		h.Log.ErrorContext(ctx, "partner: confirmation email not sent", "contact_id", c.ID, "err", err)
	}
	return nil
}

func notifyEmail(to, subject, body string) notify.Email {
	return notify.Email{To: to, Subject: subject, Body: body}
}

// NewLink creates a one-time sign-in token for a contact, sent on their behalf
// (an invitation); "" when the contact has been sent too many links within the hour.
func NewLink(ctx context.Context, d *db.DB, contactID int64, now time.Time) (string, error) {
	return links.New(ctx, d, contactID, "", now)
}

// UseLink uses a token once and returns its contact; 0 when it is unknown,
// expired or already used (two simultaneous uses: one wins).
func UseLink(ctx context.Context, d *db.DB, token string, now time.Time) (int64, error) {
	return links.Use(ctx, d, token, now)
}

// LoginForm asks a partner contact for their email.
func (h *Handlers) LoginForm(w http.ResponseWriter, r *http.Request) {
	next := SafeNext(r.URL.Query().Get("next"))
	if h.IsPartner(r) {
		http.Redirect(w, r, cmp.Or(next, "/partner"), http.StatusSeeOther)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "partners/login.html", struct{ Sent bool }{}, web.NewForm(url.Values{"next": {next}}))
}

// SafeNext returns next when it is a page of the partner space (a local path
// under /partner, not the sign-in pages), "" otherwise: where a sign-in link may
// lead after signing in, so that no link can send a partner elsewhere.
func SafeNext(next string) string { return signin.SafeNext(next, "/partner") }

// LoginSend emails a one-time link when a contact has that email, and answers the
// same either way, so that the page tells nobody who is a contact.
func (h *Handlers) LoginSend(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("email")
	f.MaxLength("email", 200)
	if e, ok := check.Email(f.Get("email")); e != "" && !ok {
		f.Fail("email", "form.email")
	}
	next := SafeNext(f.Get("next"))
	f.Set("next", next)
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "partners/login.html", struct{ Sent bool }{}, f)
		return
	}
	c, err := ContactByEmail(ctx, h.DB, f.Get("email"))
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	// Asked for nobody, the request counts against the address all the same.
	var id int64
	if c != nil {
		id = c.ID
	}
	token, err := links.New(ctx, h.DB, id, web.ClientAddress(r), time.Now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if c != nil {
		if token != "" {
			p := i18n.FromContext(ctx)
			msg := notifyEmail(c.Email, p.T("partner.login_email.subject"),
				p.T("partner.login_email.body", "name", c.Name, "link", h.signInLink(token, next), "minutes", int(LinkLifetime.Minutes())))
			if err := h.Mail.Send(ctx, msg); err != nil {
				h.Log.ErrorContext(ctx, "partner: sign-in email not sent", "contact_id", c.ID, "err", err)
			}
		} else {
			h.Log.WarnContext(ctx, "partner: too many sign-in links asked for", "contact_id", c.ID)
		}
	} else {
		// An address still to confirm: the link that confirms it, again.
		pending, err := ContactToConfirm(ctx, h.DB, f.Get("email"))
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
		if pending != nil {
			if err := h.askConfirmation(ctx, pending, "partner.confirm_email.subject", "partner.confirm_email.body"); err != nil {
				h.Render.Fail(w, r, err)
				return
			}
		}
	}
	h.Render.Render(w, r, http.StatusOK, "partners/login.html", struct{ Sent bool }{true}, web.NewForm(url.Values{"next": {next}}))
}

// signInLink is the emailed link for token, leading to next (a SafeNext path, or
// "" for the list of people) once used.
func (h *Handlers) signInLink(token, next string) string {
	return signin.URL(h.BaseURL, "/partner", token, next)
}

// LinkForm is where the emailed link leads: a button to sign in (a mail scanner
// following the link does not use it up), or, for an expired or used link, the
// way to get a new one.
func (h *Handlers) LinkForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ok, err := links.Valid(r.Context(), h.DB, token, time.Now())
	if err == nil && !ok {
		ok, err = confirmLinks.Valid(r.Context(), h.DB, token, time.Now())
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusGone
	}
	h.Render.Render(w, r, status, "partners/link.html", linkData{Token: token, Invalid: !ok, Next: SafeNext(r.URL.Query().Get("next"))}, nil)
}

type linkData struct {
	Token   string
	Invalid bool
	Next    string
	Taken   bool // the address to confirm is another contact's meanwhile
}

// LinkUse signs the contact in with the link, which then stops working.
func (h *Handlers) LinkUse(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	token := r.PathValue("token")
	next := SafeNext(r.PostFormValue("next"))
	id, err := UseLink(ctx, h.DB, token, time.Now())
	if err == nil && id == 0 {
		// A link that confirms a new address: the address becomes the contact's.
		if id, err = confirmLinks.Use(ctx, h.DB, token, time.Now()); err == nil && id != 0 {
			err = ConfirmEmail(ctx, h.DB, id)
			switch {
			case errors.Is(err, ErrEmailTaken):
				h.Render.Render(w, r, http.StatusConflict, "partners/link.html", linkData{Token: token, Invalid: true, Next: next, Taken: true}, nil)
				return
			case errors.Is(err, db.ErrNotFound):
				id, err = 0, nil
			case err == nil:
				h.Log.InfoContext(ctx, "partner confirmed an address", "contact_id", id)
			}
		}
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var c *Contact
	if id != 0 {
		if c, err = ContactByID(ctx, h.DB, id); err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if c == nil || !c.Active || c.Email == "" {
		h.Render.Render(w, r, http.StatusGone, "partners/link.html", linkData{Token: token, Invalid: true, Next: next}, nil)
		return
	}
	if err := h.Auth.StartSpace(ctx, partnerKey, c.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := setContactLang(ctx, h.DB, c.ID, i18n.FromContext(ctx).Lang); err != nil {
		h.Log.WarnContext(ctx, "partner: language not recorded", "contact_id", c.ID, "err", err)
	}
	h.Log.InfoContext(ctx, "partner signed in", "contact_id", c.ID, "request_id", web.RequestID(ctx))
	http.Redirect(w, r, cmp.Or(next, "/partner"), http.StatusSeeOther)
}

// Logout ends the partner's session.
func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) {
	h.Auth.EndSession(w, r, "/partner/login")
}

// contact loads the signed-in contact (the policy has checked there is one).
func (h *Handlers) contact(w http.ResponseWriter, r *http.Request) (*Contact, bool) {
	c, err := h.currentContact(r.Context())
	if err == nil && c == nil {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return c, true
}

// MaxGroup is the most people one referral form takes; a larger group is sent as
// a list that staff import.
const MaxGroup = 30

type referData struct {
	Contact    *Contact
	Antennas   []web.Option
	Programmes []web.Option
	Rows       []int
	Counts     []web.Option
}

func (h *Handlers) referData(ctx context.Context, c *Contact, n int) (*referData, map[int64]*org.Antenna, error) {
	o, err := orgByIDAny(ctx, h.DB, c.OrgID)
	if err != nil {
		return nil, nil, err
	}
	all, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		return nil, nil, err
	}
	if err := ContactAntennas(ctx, h.DB, c); err != nil {
		return nil, nil, err
	}
	d := &referData{Contact: c}
	antennas := map[int64]*org.Antenna{}
	for _, a := range all {
		// An antenna of the organisation whose people the contact sees: they
		// follow whom they refer.
		if slices.Contains(o.Antennas, a.ID) && slices.Contains(c.Antennas, a.ID) {
			antennas[a.ID] = a
			d.Antennas = append(d.Antennas, web.Option{Value: id64(a.ID), Label: a.Name, Raw: true})
		}
	}
	// An empty first option, even when there is one antenna (then preselected):
	// a required select needs one.
	d.Antennas = append([]web.Option{{Value: "", Label: "form.choose"}}, d.Antennas...)
	if d.Programmes, err = h.programmeOptions(ctx); err != nil {
		return nil, nil, err
	}
	for i := 1; i <= n; i++ {
		d.Rows = append(d.Rows, i)
	}
	counts := []int{1, 2, 3, 5, 8, 12, 20, MaxGroup}
	if !slices.Contains(counts, n) {
		counts = append(counts, n)
		slices.Sort(counts)
	}
	for _, k := range counts {
		d.Counts = append(d.Counts, web.Option{Value: strconv.Itoa(k), Label: strconv.Itoa(k), Raw: true})
	}
	return d, antennas, nil
}

func groupSize(v string) int {
	n, _ := strconv.Atoi(v)
	return max(1, min(n, MaxGroup))
}

// ReferForm is the form to refer one person, or a group (?people=N).
func (h *Handlers) ReferForm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	n := groupSize(r.URL.Query().Get("people"))
	d, _, err := h.referData(r.Context(), c, n)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"people": {strconv.Itoa(n)}})
	if len(d.Antennas) == 2 {
		f.Set("antenna", d.Antennas[1].Value)
	}
	h.Render.Render(w, r, http.StatusOK, "partners/refer.html", d, f)
}

// Refer stores the people referred (each a new learner's file, all or none), then
// lands straight back on the form for the next one.
func (h *Handlers) Refer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	// rows is how many people the form showed; people, how many are wanted. A
	// change of number shows the form again with everything typed kept, never
	// fewer rows than the last one filled in.
	n := groupSize(cmp.Or(f.Get("rows"), f.Get("people")))
	if f.Get("resize") != "" {
		wanted := groupSize(f.Get("people"))
		for i := n; i > wanted; i-- {
			if !blankPerson(f, "_"+strconv.Itoa(i)) {
				wanted = i
				break
			}
		}
		d, _, err := h.referData(ctx, c, wanted)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		f.Set("people", strconv.Itoa(wanted))
		h.Render.Render(w, r, http.StatusOK, "partners/refer.html", d, f)
		return
	}
	d, antennas, err := h.referData(ctx, c, n)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f.Set("people", strconv.Itoa(n))
	aid, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	antenna := antennas[aid]
	if antenna == nil {
		f.Fail("antenna", "form.choose")
	}
	country := ""
	if antenna != nil {
		country = antenna.Country
	}
	p := i18n.FromContext(ctx)
	now := time.Now()
	var people []*learners.Learner
	for i := 1; i <= n; i++ {
		sfx := "_" + strconv.Itoa(i)
		if i > 1 && blankPerson(f, sfx) {
			continue // a row of the group form left empty
		}
		row := &Row{FirstName: f.Get("first_name" + sfx), LastName: f.Get("last_name" + sfx), Phone: f.Get("phone" + sfx),
			Email: auth.NormalizeEmail(f.Get("email" + sfx))}
		row.Postcode, row.Town = learners.SplitWhere(f.Get("where" + sfx))
		checkRow(row, f.Get("birth_year"+sfx), country, now)
		for _, e := range row.Errors {
			if field, ok := rowFields[e]; ok {
				f.Fail(field+sfx, rowMessages[e])
			}
		}
		if f.Get("consent"+sfx) != "yes" {
			f.Fail("consent"+sfx, "partner.refer.consent_required")
		}
		if antenna != nil && row.Valid() {
			l := row.Learner(antenna.ID)
			l.ConsentText, l.Lang = p.T("partner.refer.consent"), p.Lang
			people = append(people, l)
		}
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "partners/refer.html", d, f)
		return
	}
	ref := &Referral{OrgID: c.OrgID, ContactID: c.ID, AntennaID: antenna.ID, ProgrammeID: knownOption(d.Programmes, f.Get("programme")),
		Source: "partner"}
	if err := CreateReferral(ctx, h.DB, ref, people); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "partner referral", "referral_id", ref.ID, "people", len(people), "contact_id", c.ID)
	h.Flash(r, "partner.refer.sent")
	http.Redirect(w, r, "/partner/refer", http.StatusSeeOther)
}

func blankPerson(f *web.Form, sfx string) bool {
	for _, name := range []string{"first_name", "last_name", "phone", "birth_year", "where", "email"} {
		if f.Get(name+sfx) != "" {
			return false
		}
	}
	return f.Get("consent"+sfx) == ""
}

// rowFields and rowMessages put a row's problems next to the form's fields.
var rowFields = map[string]string{
	"partner.row.first_name_missing": "first_name", "partner.row.first_name_long": "first_name",
	"partner.row.last_name_missing": "last_name", "partner.row.last_name_long": "last_name",
	"partner.row.phone_missing": "phone", "partner.row.phone_invalid": "phone",
	"partner.row.birth_year_missing": "birth_year", "partner.row.birth_year_invalid": "birth_year", "partner.row.birth_year_young": "birth_year",
	"partner.row.email_invalid": "email", "partner.row.where_missing": "where", "partner.row.postcode_invalid": "where",
	"partner.row.where_long": "where",
}

var rowMessages = map[string]string{
	"partner.row.first_name_missing": "form.required", "partner.row.first_name_long": "form.too_long",
	"partner.row.last_name_missing": "form.required", "partner.row.last_name_long": "form.too_long",
	"partner.row.phone_missing": "form.required", "partner.row.phone_invalid": "partner.row.phone_invalid",
	"partner.row.birth_year_missing": "form.required", "partner.row.birth_year_invalid": "partner.row.birth_year_invalid",
	"partner.row.birth_year_young": "partner.row.birth_year_young", "partner.row.email_invalid": "form.email",
	"partner.row.where_missing": "form.required", "partner.row.postcode_invalid": "partner.row.postcode_invalid",
	"partner.row.where_long": "form.too_long",
}
