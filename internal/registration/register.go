package registration

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/catalogue"
	"tremplin/internal/learners"
	"tremplin/internal/messages"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// registerData is what the registration page needs besides the form.
type registerData struct {
	learners.PersonChoices
	Session     *catalogue.PublicCohort // the session chosen in the catalogue
	SessionGone bool                    // the session asked for has started: not offered
	TooMany     string                  // a catalog key when a limit was reached: call instead
	Call        []*org.Antenna          // whom to call then
}

func (h *Handlers) registerData(ctx context.Context, f *web.Form, antennas []*org.Antenna) registerData {
	opts := []web.Option{{Value: "", Label: "form.choose"}}
	for _, a := range antennas {
		label := a.Name
		if a.City != a.Name {
			label += " (" + a.City + ")"
		}
		opts = append(opts, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: label, Raw: true})
	}
	d := registerData{PersonChoices: h.Learners.PersonChoices(ctx, f, opts)}
	if id, _ := strconv.ParseInt(f.Get("cohort"), 10, 64); id > 0 {
		d.Session = h.session(ctx, id)
	}
	return d
}

// session is a cohort a visitor may still ask to join (not started), or nil; the
// registration never depends on training answering.
func (h *Handlers) session(ctx context.Context, cohortID int64) *catalogue.PublicCohort {
	c, err := catalogue.PublicSession(ctx, h.DB, cohortID, time.Now())
	if err != nil {
		if !errors.Is(err, db.ErrNotFound) {
			h.Log.WarnContext(ctx, "registration: session unavailable", "cohort_id", cohortID, "err", err)
		}
		return nil
	}
	return c
}

// RegisterForm is the public registration form. ?antenna= or ?cohort= (from the
// course catalogue) preselect where and what; ?pass= carries a workshop code.
func (h *Handlers) RegisterForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	antennas, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{})
	q := r.URL.Query()
	gone := false
	if id, _ := strconv.ParseInt(q.Get("cohort"), 10, 64); id > 0 {
		if c := h.session(ctx, id); c != nil {
			f.Set("antenna", strconv.FormatInt(c.AntennaID, 10))
			f.Set("programme", strconv.FormatInt(c.ProgrammeID, 10))
			f.Set("cohort", strconv.FormatInt(id, 10))
		} else {
			gone = true
		}
	}
	if id, _ := strconv.ParseInt(q.Get("antenna"), 10, 64); id > 0 && f.Get("antenna") == "" {
		f.Set("antenna", strconv.FormatInt(id, 10))
	}
	if id, _ := strconv.ParseInt(q.Get("programme"), 10, 64); id > 0 && f.Get("programme") == "" {
		f.Set("programme", strconv.FormatInt(id, 10))
	}
	if code := learners.NormalizePass(q.Get("pass")); code != "" {
		if a := PassAntenna(ctx, h.DB, code); a != 0 {
			f.Set("pass", code)
			if f.Get("antenna") == "" {
				f.Set("antenna", strconv.FormatInt(a, 10))
			}
		}
	}
	data := h.registerData(ctx, f, antennas)
	data.SessionGone = gone
	h.Render.Render(w, r, http.StatusOK, "registration/register.html", data, f)
}

// clientAddress is the address the request came from, for the registration limit.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Register stores a registration and, with it, queues its acknowledgement by SMS
// (and email when given) in the language the person used, naming the session
// chosen.
//
// What protects the form, without turning real people away:
//   - the same registration sent again within SameRegistrationWithin (the back
//     button, a double tap: same antenna, phone and names) shows the thanks page
//     again, and nothing is stored or sent twice;
//   - a filled hidden field (honeypot) keeps the registration held for staff to
//     release or discard (/registrations), with the same thanks and no SMS, since a
//     browser's autofill may fill it for a real person;
//   - learners.PhoneLimit new files per phone and hour, and RegistrationLimit per
//     address and hour, which a workshop code from staff lifts; over either, the
//     person is asked to call the antenna, with everything typed kept.
func (h *Handlers) Register(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	antennas, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	antenna := chosenAntenna(f, antennas)
	p := i18n.FromContext(ctx)
	l := &learners.Learner{Lang: p.Lang, Source: "web"}
	session := h.personFromRegistration(ctx, f, l, antenna, time.Now())
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "registration/register.html", h.registerData(ctx, f, antennas), f)
		return
	}
	thanks := thanksURL(antenna.ID, l.WishedCohort)
	checks := learners.Checks{Address: clientAddress(r), AddressLimit: h.registrationLimit(), PhoneLimit: learners.PhoneLimit,
		Pass: f.Get("pass"), SameWithin: SameRegistrationWithin, Then: h.acknowledge(p, antenna, session)}
	if h.RegistrationLimit < 0 {
		checks.PhoneLimit = 0
	}
	if hp := f.Get("website"); hp != "" {
		kept := url.Values{}
		for k, v := range f.Values {
			if k != "website" && k != "pass" {
				kept[k] = v
			}
		}
		err = Hold(ctx, h.DB, antenna.ID, p.Lang, kept, hp, checks)
		if err == nil {
			h.Log.InfoContext(ctx, "registration: hidden field filled, held for review", "request_id", web.RequestID(ctx))
			http.Redirect(w, r, thanks, http.StatusSeeOther)
			return
		}
	} else {
		l.ConsentText = p.T("register.consent")
		err = learners.RegisterChecked(ctx, h.DB, l, checks)
		if errors.Is(err, learners.ErrAlreadyRegistered) {
			h.Log.InfoContext(ctx, "registration: sent again, already received", "learner_id", l.ID)
			http.Redirect(w, r, thanks, http.StatusSeeOther)
			return
		}
	}
	if errors.Is(err, learners.ErrTooManyRegistrations) || errors.Is(err, learners.ErrTooManyForPhone) {
		h.Log.WarnContext(ctx, "registration: over a limit", "err", err, "request_id", web.RequestID(ctx))
		data := h.registerData(ctx, f, antennas)
		data.TooMany, data.Call = "register.too_many", []*org.Antenna{antenna}
		if errors.Is(err, learners.ErrTooManyForPhone) {
			data.TooMany = "register.too_many_phone"
		}
		h.Render.Render(w, r, http.StatusTooManyRequests, "registration/register.html", data, f)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, thanks, http.StatusSeeOther)
}

// personFromRegistration checks a registration form into l (at registration, and
// again when staff release a held one) and returns the session chosen, if it is
// still offered.
func (h *Handlers) personFromRegistration(ctx context.Context, f *web.Form, l *learners.Learner, antenna *org.Antenna, now time.Time) *catalogue.PublicCohort {
	personIn(f, l, antenna, now)
	if f.Get("consent") != "yes" {
		f.Fail("consent", "register.consent_required")
	}
	if v := f.Get("programme"); v != "" {
		l.WishedProgramme = h.Learners.KnownProgramme(ctx, v)
	}
	var session *catalogue.PublicCohort
	if v, _ := strconv.ParseInt(f.Get("cohort"), 10, 64); v > 0 && antenna != nil {
		if c := h.session(ctx, v); c != nil && c.AntennaID == antenna.ID {
			l.WishedCohort, session = v, c
			if l.WishedProgramme == 0 {
				l.WishedProgramme = c.ProgrammeID
			}
		}
	}
	return session
}

// chosenAntenna is the antenna the form names among antennas, or nil.
func chosenAntenna(f *web.Form, antennas []*org.Antenna) *org.Antenna {
	id, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	for _, a := range antennas {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// personIn checks the person form into l, a person of antenna (nil when none was
// chosen, which the form says).
func personIn(f *web.Form, l *learners.Learner, antenna *org.Antenna, now time.Time) {
	country := ""
	if antenna == nil {
		f.Fail("antenna", "register.antenna_required")
	} else {
		l.AntennaID, country = antenna.ID, antenna.Country
	}
	learners.PersonFromForm(f, l, country, now)
}

func thanksURL(antennaID, cohortID int64) string {
	u := "/register/thanks?antenna=" + strconv.FormatInt(antennaID, 10)
	if cohortID != 0 {
		u += "&cohort=" + strconv.FormatInt(cohortID, 10)
	}
	return u
}

// AcknowledgementSMS is the text message that confirms a registration, as it
// goes out: the session chosen (programme, dates, days and hours, place), and who
// calls from which number. In Arabic, numbers and Latin words are isolated so
// that a phone shows them the right way round (messages.Message.Text).
func AcknowledgementSMS(p i18n.Printer, firstName string, a *org.Antenna, c *catalogue.PublicCohort) string {
	m := messages.Message{Lang: p.Lang, Body: acknowledgementText(p, firstName, a, c)}
	return m.Text()
}

// acknowledgementText is AcknowledgementSMS in plain words, before the outbox
// isolates its numbers.
func acknowledgementText(p i18n.Printer, firstName string, a *org.Antenna, c *catalogue.PublicCohort) string {
	args := []any{"name", firstName, "antenna", a.Name, "phone", antennaPhone(a)}
	if c != nil {
		return p.T("register.sms_session", append(args, "session", sessionWords(p, c))...)
	}
	return p.T("register.sms", args...)
}

// sessionWords says a session in a sentence, for an SMS or an email.
func sessionWords(p i18n.Printer, c *catalogue.PublicCohort) string {
	return p.T("register.session_words", "programme", c.TitleIn(p.Lang).Text,
		"dates", p.T("training.from_to", "from", web.FormatDate(p, c.StartsOn), "to", web.FormatDate(p, c.EndsOn)),
		"times", c.Schedule.Words(p), "place", c.Place())
}

func antennaPhone(a *org.Antenna) string {
	if a.Phone == "" {
		return a.Address
	}
	return a.Phone
}

// acknowledge tells the person their registration arrived, in their language:
// always by SMS, and by email when they gave one. The messages are queued in the
// transaction that stores the file (learners.Checks.Then, Release), so that a
// registration stored is always acknowledged and one refused never is.
func (h *Handlers) acknowledge(p i18n.Printer, a *org.Antenna, c *catalogue.PublicCohort) func(ctx context.Context, tx *sql.Tx, l *learners.Learner) error {
	return func(ctx context.Context, tx *sql.Tx, l *learners.Learner) error {
		if h.Outbox == nil {
			return nil
		}
		base := messages.Message{Antenna: a.ID, Learner: l.ID, Kind: "registration", Lang: p.Lang,
			ToName: l.FirstName + " " + l.LastName, RefKind: "learner", RefID: l.ID}
		if st := auth.Current(ctx); st != nil {
			base.By = st.ID
		}
		sms := base
		sms.Channel, sms.To, sms.Body = messages.SMS, l.Phone, acknowledgementText(p, l.FirstName, a, c)
		ms := []messages.Message{sms}
		if l.Email != "" {
			body := p.T("register.email_body", "name", l.FirstName, "antenna", a.Name, "phone", antennaPhone(a))
			if c != nil {
				body += "\n\n" + p.T("register.email_session", "session", sessionWords(p, c))
			}
			mail := base
			mail.Channel, mail.To, mail.Subject, mail.Body = messages.Email, l.Email, p.T("register.email_subject"), body
			ms = append(ms, mail)
		}
		_, err := h.Outbox.Add(ctx, tx, ms...)
		return err
	}
}

// thanksData is what the confirmation names: the antenna that will call, and the
// session chosen.
type thanksData struct {
	Antenna *org.Antenna
	Session *catalogue.PublicCohort
}

// Thanks confirms a registration (also one sent again, or held).
func (h *Handlers) Thanks(w http.ResponseWriter, r *http.Request) {
	var d thanksData
	q := r.URL.Query()
	if id, _ := strconv.ParseInt(q.Get("antenna"), 10, 64); id > 0 {
		a, err := org.AntennaByID(r.Context(), h.DB, auth.Scope{All: true}, id)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
		d.Antenna = a
	}
	if id, _ := strconv.ParseInt(q.Get("cohort"), 10, 64); id > 0 && d.Antenna != nil {
		if c := h.session(r.Context(), id); c != nil && c.AntennaID == d.Antenna.ID {
			d.Session = c
		}
	}
	h.Render.Render(w, r, http.StatusOK, "registration/thanks.html", d, nil)
}
