package learners

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// registerData is what the registration page needs besides the form.
type registerData struct {
	Antennas       []web.Option
	Programmes     []web.Option // empty: the question is not asked
	Languages      []Choice
	FrenchLevels   []Choice
	Situations     []Choice
	Equipment      []Choice
	Availabilities []Choice
	HeardFrom      []web.Option
	Genders        []web.Option
	TooMany        bool           // the address has registered too often: call instead
	Call           []*org.Antenna // whom to call then
}

func (h *Handlers) registerData(ctx context.Context, f *web.Form, antennas []*org.Antenna) registerData {
	d := registerData{
		Antennas:       []web.Option{{Value: "", Label: "form.choose"}},
		Languages:      choices(f, "languages", "learner.lang.", LanguageCodes),
		FrenchLevels:   choices(f, "french_level", "learner.french.", FrenchLevels),
		Situations:     choices(f, "situations", "learner.situation.", SituationCodes),
		Equipment:      choices(f, "equipment", "learner.equipment.", EquipmentCodes),
		Availabilities: choices(f, "availabilities", "learner.availability.", AvailabilityCodes),
		HeardFrom:      codeOptions("learner.heard.", HeardFromCodes, "register.heard_none"),
		Genders:        codeOptions("learner.gender.", Genders, "register.gender_none"),
	}
	for _, a := range antennas {
		label := a.Name
		if a.City != a.Name {
			label += " (" + a.City + ")"
		}
		d.Antennas = append(d.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: label, Raw: true})
	}
	d.Programmes = h.programmeOptions(ctx)
	return d
}

// programmeOptions lists the programmes one may wish for; none when training cannot
// say, so that registration never depends on it.
func (h *Handlers) programmeOptions(ctx context.Context) []web.Option {
	progs, err := training.Programmes(ctx, h.DB)
	if err != nil {
		h.Log.WarnContext(ctx, "registration: programmes unavailable", "err", err)
		return nil
	}
	if len(progs) == 0 {
		return nil
	}
	opts := []web.Option{{Value: "", Label: "register.programme_none"}}
	for _, p := range progs {
		opts = append(opts, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title, Raw: true})
	}
	return opts
}

// cohortAntenna finds the antenna and programme of an open cohort, to preselect
// them when someone comes from the catalogue.
func (h *Handlers) cohortAntenna(ctx context.Context, antennas []*org.Antenna, cohortID int64) (antennaID, programmeID int64) {
	for _, a := range antennas {
		cohorts, err := training.OpenCohorts(ctx, h.DB, a.ID)
		if err != nil {
			return 0, 0
		}
		for _, c := range cohorts {
			if c.ID == cohortID {
				return a.ID, c.ProgrammeID
			}
		}
	}
	return 0, 0
}

// RegisterForm is the public registration form. ?antenna= or ?cohort= (from the
// course catalogue) preselect where and what.
func (h *Handlers) RegisterForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	antennas, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{})
	q := r.URL.Query()
	if id, _ := strconv.ParseInt(q.Get("cohort"), 10, 64); id > 0 {
		if a, p := h.cohortAntenna(ctx, antennas, id); a != 0 {
			f.Set("antenna", strconv.FormatInt(a, 10))
			f.Set("programme", strconv.FormatInt(p, 10))
			f.Set("cohort", strconv.FormatInt(id, 10))
		}
	} else if id, _ := strconv.ParseInt(q.Get("antenna"), 10, 64); id > 0 {
		f.Set("antenna", strconv.FormatInt(id, 10))
	}
	h.Render.Render(w, r, http.StatusOK, "learners/register.html", h.registerData(ctx, f, antennas), f)
}

// clientAddress is the address the request came from, for the registration limit.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Register stores a registration, then acknowledges it by SMS (and email when
// given) in the language the person used. A filled honeypot gets the same thanks
// and stores nothing; an address over its hourly limit is asked to call the
// antenna, with everything typed kept on the form.
func (h *Handlers) Register(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	antennaID, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	thanks := "/register/thanks"
	if antennaID > 0 {
		thanks += "?antenna=" + strconv.FormatInt(antennaID, 10)
	}
	if f.Get("website") != "" {
		h.Log.InfoContext(ctx, "registration: honeypot filled, nothing stored", "request_id", web.RequestID(ctx))
		http.Redirect(w, r, thanks, http.StatusSeeOther)
		return
	}
	antennas, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var antenna *org.Antenna
	for _, a := range antennas {
		if a.ID == antennaID {
			antenna = a
		}
	}
	p := i18n.FromContext(ctx)
	l := &Learner{Lang: p.Lang, Source: "web"}
	country := ""
	if antenna == nil {
		f.Fail("antenna", "register.antenna_required")
	} else {
		l.AntennaID, country = antenna.ID, antenna.Country
	}
	personFromForm(f, l, country, time.Now())
	if f.Get("consent") != "yes" {
		f.Fail("consent", "register.consent_required")
	}
	if v := f.Get("programme"); v != "" {
		l.WishedProgramme = h.knownProgramme(ctx, v)
	}
	if v, _ := strconv.ParseInt(f.Get("cohort"), 10, 64); v > 0 && antenna != nil {
		if a, _ := h.cohortAntenna(ctx, []*org.Antenna{antenna}, v); a == antenna.ID {
			l.WishedCohort = v
		}
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "learners/register.html", h.registerData(ctx, f, antennas), f)
		return
	}
	l.ConsentText = p.T("register.consent")
	err = Register(ctx, h.DB, l, clientAddress(r), h.registrationLimit())
	if errors.Is(err, ErrTooManyRegistrations) {
		h.Log.WarnContext(ctx, "registration: address over its hourly limit", "request_id", web.RequestID(ctx))
		data := h.registerData(ctx, f, antennas)
		data.TooMany, data.Call = true, []*org.Antenna{antenna}
		h.Render.Render(w, r, http.StatusTooManyRequests, "learners/register.html", data, f)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.acknowledge(ctx, p, l, antenna)
	http.Redirect(w, r, thanks, http.StatusSeeOther)
}

// knownProgramme returns the id of a programme that exists, or 0.
func (h *Handlers) knownProgramme(ctx context.Context, v string) int64 {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id <= 0 {
		return 0
	}
	progs, err := training.Programmes(ctx, h.DB)
	if err != nil {
		return 0
	}
	for _, p := range progs {
		if p.ID == id {
			return id
		}
	}
	return 0
}

// acknowledge tells the person their registration arrived: always by SMS, and by
// email when they gave one. A failure is logged: the registration is kept anyway.
func (h *Handlers) acknowledge(ctx context.Context, p i18n.Printer, l *Learner, a *org.Antenna) {
	phone := a.Phone
	if phone == "" {
		phone = a.Address
	}
	args := []any{"name", l.FirstName, "antenna", a.Name, "phone", phone}
	if err := h.SMS.SendSMS(ctx, l.Phone, p.T("register.sms", args...)); err != nil {
		h.Log.WarnContext(ctx, "registration: SMS not sent", "learner_id", l.ID, "err", err)
	}
	if l.Email == "" {
		return
	}
	msg := notify.Email{To: l.Email, Subject: p.T("register.email_subject"), Body: p.T("register.email_body", args...)}
	if err := h.Mail.Send(ctx, msg); err != nil {
		h.Log.WarnContext(ctx, "registration: email not sent", "learner_id", l.ID, "err", err)
	}
}

// Thanks confirms a registration (and answers a filled honeypot the same way).
func (h *Handlers) Thanks(w http.ResponseWriter, r *http.Request) {
	var antenna *org.Antenna
	if id, _ := strconv.ParseInt(r.URL.Query().Get("antenna"), 10, 64); id > 0 {
		a, err := org.AntennaByID(r.Context(), h.DB, auth.Scope{All: true}, id)
		if err != nil && !errors.Is(err, org.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
		antenna = a
	}
	h.Render.Render(w, r, http.StatusOK, "learners/thanks.html", antenna, nil)
}
