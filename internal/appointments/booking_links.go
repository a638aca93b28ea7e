package appointments

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// LinkDays are how many days a booking link may take a booking, as the form
// offers them (7 by default).
var LinkDays = []int{2, 3, 7, 14, 21}

// adviserChoice is an adviser a link may offer, with their free slots to come.
type adviserChoice struct {
	ID      int64
	Name    string
	Free    int
	Checked bool
}

// linkFormPage is the form that sends a person a booking link.
type linkFormPage struct {
	Person   *person
	Kinds    []web.Option
	Days     []web.Option
	Advisers []adviserChoice
}

// LinkForm shows the form that sends a booking link: GET
// /learners/{id}/booking-links/new.
func (h *Handlers) LinkForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	st := auth.Current(r.Context())
	f := web.NewForm(url.Values{"kind": {"first_contact"}, "days": {"7"}, "advisers": {strconv.FormatInt(st.ID, 10)}})
	h.showLinkForm(w, r, http.StatusOK, p, f)
}

func (h *Handlers) showLinkForm(w http.ResponseWriter, r *http.Request, status int, p *person, f *web.Form) {
	ctx := r.Context()
	pr := i18n.FromContext(ctx)
	page := &linkFormPage{Person: p, Kinds: web.CodeOptions("appointment.kind.", Kinds, "")}
	for _, d := range LinkDays {
		page.Days = append(page.Days, web.Option{Value: strconv.Itoa(d), Label: pr.N("appointment.link_days_n", d), Raw: true})
	}
	choices, err := h.adviserChoices(ctx, p.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, c := range choices {
		c.Checked = slices.Contains(f.All("advisers"), strconv.FormatInt(c.ID, 10))
		page.Advisers = append(page.Advisers, c)
	}
	h.Render.Render(w, r, status, "appointments/link.html", page, f)
}

// adviserChoices lists the active staff of an antenna with their free slots in
// it from now on, for as far as a link offers them.
func (h *Handlers) adviserChoices(ctx context.Context, antennaID int64) ([]adviserChoice, error) {
	now := h.now()
	return db.Collect[adviserChoice](h.DB.QueryContext(ctx, `SELECT s.id, s.name,
			(SELECT COUNT(*) FROM appointment_slots x WHERE x.staff_id = s.id AND x.antenna_id = $1
				AND x.appointment_id IS NULL AND x.starts_at > $2 AND x.starts_at <= $3)
		FROM staff s JOIN staff_antennas sa ON sa.staff_id = s.id WHERE sa.antenna_id = $1 AND s.active ORDER BY s.name`,
		antennaID, db.FormatTime(now.Add(MinNotice)), db.FormatTime(now.Add(BookAhead))))(func(row db.Scanner) (adviserChoice, error) {
		var c adviserChoice
		err := row.Scan(&c.ID, &c.Name, &c.Free)
		return c, err
	})
}

// SendLink makes a booking link and sends it to the person by SMS (and email),
// in their language: POST /learners/{id}/booking-links.
func (h *Handlers) SendLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	link := &bookingLink{LearnerID: p.ID, AntennaID: p.AntennaID, Kind: f.Get("kind")}
	if !slices.Contains(Kinds, link.Kind) {
		f.Fail("kind", "form.choose")
	}
	days, _ := strconv.Atoi(f.Get("days"))
	if !slices.Contains(LinkDays, days) {
		f.Fail("days", "form.choose")
	}
	choices, err := h.adviserChoices(ctx, p.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	free := 0
	for _, c := range choices {
		if slices.Contains(f.All("advisers"), strconv.FormatInt(c.ID, 10)) {
			link.Staff = append(link.Staff, c.ID)
			free += c.Free
		}
	}
	switch {
	case len(link.Staff) == 0 || len(link.Staff) != len(f.All("advisers")):
		f.Fail("advisers", "appointment.link_advisers_choose")
	case free == 0:
		f.Fail("advisers", "appointment.link_no_slots")
	}
	if !f.Valid() {
		h.showLinkForm(w, r, http.StatusUnprocessableEntity, p, f)
		return
	}
	st := auth.Current(ctx)
	link.Expires = h.now().Add(time.Duration(days) * 24 * time.Hour)
	err = h.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := createBookingLink(ctx, tx, link, st.ID); err != nil {
			return err
		}
		texts, err := messages.LoadTexts(ctx, tx, p.AntennaID)
		if err != nil {
			return err
		}
		_, err = h.Outbox.Add(ctx, tx, h.linkMessages(texts, p, link, st.ID)...)
		return err
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "booking link sent", "learner_id", p.ID, "advisers", link.Staff, "expires", link.Expires)
	}
	h.Flash(r, "appointment.link_sent")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(p.ID, 10)+"#appointments", http.StatusSeeOther)
}

// linkMessages are the person's SMS (and email) carrying their booking link, in
// their language; the link opens the page in that language.
func (h *Handlers) linkMessages(texts *messages.Texts, p *person, link *bookingLink, by int64) []messages.Message {
	pr := i18n.For(p.Lang)
	until := link.Expires.In(p.loc())
	args := []any{"name", p.FirstName, "kind", pr.T("appointment.kind." + link.Kind), "antenna", p.AntennaName,
		"date", web.FormatDate(pr, until), "time", until.Format("15:04")}
	base := messages.Message{Antenna: p.AntennaID, Learner: p.ID, Kind: "booking_link", Lang: pr.Lang,
		Body: texts.T(p.AntennaID, pr.Lang, "appointment.sms_link", args...), Link: h.BaseURL + "/b/" + link.Token + "?lang=" + pr.Lang,
		Expires: link.Expires, RefKind: "booking_link", By: by, ToName: p.FirstName + " " + p.LastName}
	var out []messages.Message
	if p.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, p.Phone
		out = append(out, m)
	}
	if p.Email != "" {
		m := base
		m.Channel, m.To = messages.Email, p.Email
		m.Subject = pr.T("appointment.email_subject_link", args...)
		out = append(out, m)
	}
	if len(out) == 0 {
		// Kept, dropped, so that the file says the person could not be told.
		m := base
		m.Channel = messages.SMS
		out = append(out, m)
	}
	return out
}
