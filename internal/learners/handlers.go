package learners

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
	"tremplin/internal/appointments"
	"tremplin/internal/messages"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
	"tremplin/internal/positioning"
	"tremplin/internal/training"
)

// Load loads the file of the URL in the person's antennas; anything else is the
// 404 page. A merged file sends to the file it was merged into.
func (h *Handlers) Load(w http.ResponseWriter, r *http.Request) (*Learner, bool) {
	st := auth.Current(r.Context())
	l, err := ByID(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	if l.MergedInto != 0 {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.MergedInto, 10), http.StatusSeeOther)
		} else {
			h.Render.NotFound(w, r)
		}
		return nil, false
	}
	return l, true
}

// fileData is everything the learner file shows.
type fileData struct {
	L                 *Learner
	Programme         string
	Cohort            string
	Timeline          []*Event
	Results           []positioning.Result
	ResultsMissing    bool
	Enrolments        []training.EnrolmentView
	Appointments      []*appointments.Appointment
	Messages          []*messages.Record
	MessagesMissing   bool
	EnrolMissing      bool
	FollowUps         []*FollowUp
	Pending           []web.Option // follow-ups still to record
	Duplicates        []*Learner
	Secondaries       []Secondary // other phones and emails, kept from merged files
	Cohorts           []web.Option
	CohortsMissing    bool
	ContactKinds      []web.Option
	Outcomes          []web.Option
	Situations        []web.Option
	Full              bool // the chosen cohort is full: offer the waitlist
	LanguageNames     []string
	SituationNames    []string
	EquipmentNames    []string
	AvailabilityNames []string
	Today             string
	Gear              []string     // equipment given (donated devices)
	GearStock         []web.Option // devices the antenna can give
	Jobs              []JobLine    // applications to companies' offers
	JobFits           []JobFit     // open offers the person fits, best first
	JobOffers         []web.Option // other open offers the person may be proposed for
	HireWaitsExit     bool         // hired while in training: the exit makes it count
}

func prefixed(prefix string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = prefix + c
	}
	return out
}

// fileData gathers the file; what other packages cannot give is shown as missing
// rather than failing the page.
func (h *Handlers) fileData(ctx context.Context, l *Learner) (*fileData, error) {
	st := auth.Current(ctx)
	d := &fileData{
		L:                 l,
		ContactKinds:      web.CodeOptions("learner.contact.", ContactKinds, ""),
		Outcomes:          web.CodeOptions("learner.status.", ExitOutcomes, ""),
		Situations:        web.CodeOptions("followup.situation.", FollowUpSituations, "form.choose"),
		LanguageNames:     prefixed("learner.lang.", l.Languages),
		SituationNames:    prefixed("learner.situation.", l.Situations),
		EquipmentNames:    prefixed("learner.equipment.", l.Equipment),
		AvailabilityNames: prefixed("learner.availability.", l.Availabilities),
		Today:             l.today(time.Now()),
	}
	var err error
	if d.Timeline, err = Timeline(ctx, h.DB, l.ID); err != nil {
		return nil, err
	}
	if h.Jobs != nil {
		js, err := h.Jobs(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		d.Jobs, d.JobFits, d.JobOffers = js.Apps, js.Fitting, js.Offers
		for _, j := range d.Jobs {
			d.HireWaitsExit = d.HireWaitsExit || (j.Hired && !l.Exited())
		}
	}
	if h.Gear != nil {
		if d.Gear, d.GearStock, err = h.Gear(ctx, l.ID, l.AntennaID); err != nil {
			return nil, err
		}
	}
	// Times are shown on the antenna's clock (Dzaleka is on Africa/Blantyre).
	if loc, err := time.LoadLocation(l.AntennaTZ); err == nil {
		for _, e := range d.Timeline {
			e.At = e.At.In(loc)
		}
	}
	if d.FollowUps, err = FollowUps(ctx, h.DB, l.ID); err != nil {
		return nil, err
	}
	for _, f := range d.FollowUps {
		if !f.Done() {
			d.Pending = append(d.Pending, web.Option{Value: f.Milestone, Label: "followup.milestone." + f.Milestone})
		}
	}
	if d.Duplicates, err = Duplicates(ctx, h.DB, st.Scope(), l.ID); err != nil {
		return nil, err
	}
	if d.Secondaries, err = Secondaries(ctx, h.DB, l.ID); err != nil {
		return nil, err
	}
	if d.Results, err = positioning.Results(ctx, h.DB, l.ID); err != nil {
		h.Log.WarnContext(ctx, "learner file: positioning results unavailable", "err", err)
		d.ResultsMissing = true
	}
	d.Timeline = withTests(d.Timeline, d.Results, l.AntennaTZ)
	if d.Appointments, err = appointments.ForLearner(ctx, h.DB, l.ID); err != nil {
		return nil, err
	}
	d.Timeline = withAppointments(d.Timeline, d.Appointments)
	if d.Messages, err = messages.ForLearner(ctx, h.DB, l.ID, 20); err != nil {
		h.Log.WarnContext(ctx, "learner file: messages unavailable", "err", err)
		d.MessagesMissing = true
	}
	if d.Enrolments, err = training.LearnerEnrolments(ctx, h.DB, l.ID); err != nil {
		h.Log.WarnContext(ctx, "learner file: enrolments unavailable", "err", err)
		d.EnrolMissing = true
	}
	cohorts, err := training.OpenCohorts(ctx, h.DB, l.AntennaID)
	if err != nil {
		h.Log.WarnContext(ctx, "learner file: cohorts unavailable", "err", err)
		d.CohortsMissing = true
	}
	d.Cohorts = []web.Option{{Value: "", Label: "form.choose"}}
	pr := i18n.FromContext(ctx)
	for _, c := range cohorts {
		label := c.ProgrammeTitle + " — " + c.StartsOn.Format("02/01/2006")
		if c.PlaceName != "" {
			label += " — " + c.PlaceName
		}
		// Seats left, so that a full cohort shows before the form is sent.
		seats := pr.N("training.seats_left", c.SeatsLeft)
		if c.SeatsLeft == 0 {
			seats = pr.T("training.full_choice")
		}
		d.Cohorts = append(d.Cohorts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: label + " — " + seats, Raw: true})
		if c.ID == l.WishedCohort {
			d.Cohort = label
		}
	}
	if l.WishedProgramme != 0 {
		if progs, err := training.Programmes(ctx, h.DB); err == nil {
			for _, p := range progs {
				if p.ID == l.WishedProgramme {
					d.Programme = p.Title
				}
			}
		}
	}
	return d, nil
}

// Show is the learner file: details, current status, timeline, tests, enrolments,
// follow-ups, and the forms to move the person along.
func (h *Handlers) Show(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Load(w, r)
	if !ok {
		return
	}
	h.showFile(w, r, http.StatusOK, l, nil, false)
}

func (h *Handlers) showFile(w http.ResponseWriter, r *http.Request, status int, l *Learner, f *web.Form, full bool) {
	ctx := r.Context()
	d, err := h.fileData(ctx, l)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Full = full
	if f == nil {
		f = web.NewForm(url.Values{"exit_date": {d.Today}, "contact_kind": {"no_answer"}})
		if l.WishedCohort != 0 {
			f.Set("cohort", strconv.FormatInt(l.WishedCohort, 10))
		}
	}
	// Who read a file is kept in the log (DOMAIN.md, Privacy).
	h.Log.InfoContext(ctx, "learner file read", "learner_id", l.ID, "staff_id", auth.Current(ctx).ID)
	h.Render.Render(w, r, status, "learners/file.html", d, f)
}

// ShowInvalid shows the file again, answering 422, with the errors of f: an
// action on the file that cannot be done as asked.
func (h *Handlers) ShowInvalid(w http.ResponseWriter, r *http.Request, l *Learner, f *web.Form) {
	h.showFile(w, r, http.StatusUnprocessableEntity, l, f, false)
}

// BackToFile says the change is saved and returns to the file, at anchor.
func (h *Handlers) BackToFile(w http.ResponseWriter, r *http.Request, id int64, anchor string) {
	h.Flash(r, "saved")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(id, 10)+anchor, http.StatusSeeOther)
}

// StaffAntennas are the antennas a file may be put in by this person, and the
// options to choose among them.
func (h *Handlers) StaffAntennas(ctx context.Context) ([]*org.Antenna, []web.Option, error) {
	st := auth.Current(ctx)
	list, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		return nil, nil, err
	}
	opts := []web.Option{{Value: "", Label: "form.choose"}}
	for _, a := range list {
		opts = append(opts, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
	}
	return list, opts, nil
}

// StaffPersonChoices are the person form's choices for staff (correcting a
// file, recording a person at the desk): among the person's antennas.
func (h *Handlers) StaffPersonChoices(ctx context.Context, f *web.Form) (PersonChoices, error) {
	_, opts, err := h.StaffAntennas(ctx)
	if err != nil {
		return PersonChoices{}, err
	}
	return h.PersonChoices(ctx, f, opts), nil
}

// Edit shows the form to correct the person's details.
func (h *Handlers) Edit(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Load(w, r)
	if !ok {
		return
	}
	h.renderEdit(w, r, http.StatusOK, l, personForm(l))
}

// renderEdit shows the form to correct a person's details.
func (h *Handlers) renderEdit(w http.ResponseWriter, r *http.Request, status int, l *Learner, f *web.Form) {
	d, err := h.StaffPersonChoices(r.Context(), f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "learners/edit.html", struct {
		L *Learner
		PersonChoices
	}{l, d}, f)
}

// Save stores corrected details, checked as at registration.
func (h *Handlers) Save(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	antennas, _, err := h.StaffAntennas(ctx)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	country := ""
	for _, a := range antennas {
		if a.ID == id {
			l.AntennaID, country = a.ID, a.Country
		}
	}
	if country == "" {
		f.Fail("antenna", "form.choose")
	}
	PersonFromForm(f, l, country, time.Now())
	l.WishedProgramme = h.KnownProgramme(ctx, f.Get("programme"))
	if f.Valid() {
		if err := Update(ctx, h.DB, l, auth.Current(ctx).ID); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if h.Edited != nil {
			if err := h.Edited(ctx, l.ID); err != nil {
				h.Log.WarnContext(ctx, "file saved, its profile not refreshed", "learner_id", l.ID, "err", err)
			}
		}
		h.BackToFile(w, r, l.ID, "")
		return
	}
	h.renderEdit(w, r, http.StatusUnprocessableEntity, l, f)
}

// AddContact logs an attempt to reach the person. From the inbox (back=inbox) it
// returns there.
func (h *Handlers) AddContact(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	c := &Contact{LearnerID: l.ID, Kind: f.Get("contact_kind"), Note: f.Get("contact_note"), StaffID: auth.Current(ctx).ID}
	if !slices.Contains(ContactKinds, c.Kind) {
		f.Fail("contact_kind", "form.choose")
	}
	f.MaxLength("contact_note", 2000)
	if c.Kind == "interview" {
		f.Required("interview_date", "interview_time")
		day, err1 := time.Parse(time.DateOnly, f.Get("interview_date"))
		clock, err2 := time.Parse("15:04", f.Get("interview_time"))
		if f.Get("interview_date") != "" && err1 != nil {
			f.Fail("interview_date", "learner.date_invalid")
		}
		if f.Get("interview_time") != "" && err2 != nil {
			f.Fail("interview_time", "learner.time_invalid")
		}
		if err1 == nil && err2 == nil {
			c.InterviewAt = day.Format(time.DateOnly) + " " + clock.Format("15:04")
		}
	}
	if !f.Valid() {
		h.ShowInvalid(w, r, l, f)
		return
	}
	if err := AddContact(ctx, h.DB, c); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.statusChanged(ctx, l.ID, l.Status, c.StaffID)
	if f.Get("back") == "inbox" {
		h.Flash(r, "saved")
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
		return
	}
	h.BackToFile(w, r, l.ID, "#timeline")
}

// Decide records a decision: enrol in a cohort (or its waitlist when full), start
// training, orient elsewhere, or not eligible, with who and when.
func (h *Handlers) Decide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	var (
		status, detail string
		err            error
	)
	switch f.Get("decision") {
	case "enrol", "waitlist":
		cohort, label := h.chosenCohort(ctx, f, l)
		if cohort == 0 {
			break
		}
		if f.Get("decision") == "enrol" {
			_, err = training.Enrol(ctx, h.DB, cohort, l.ID, st.ID, h.Seats)
			status = Enrolled
		} else {
			err = training.Waitlist(ctx, h.DB, cohort, l.ID, st.ID)
			status = Waitlisted
		}
		switch {
		case errors.Is(err, training.ErrCohortFull):
			f.Fail("cohort", "learner.cohort_full")
			h.showFile(w, r, http.StatusConflict, l, f, true)
			return
		case errors.Is(err, training.ErrCohortClosed):
			f.Fail("cohort", "learner.cohort_closed")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
		detail = label
	case "start":
		// Offered only to someone enrolled; anything else is a stale page.
		if l.Status != Enrolled {
			h.Render.Error(w, r, http.StatusBadRequest)
			return
		}
		status = InTraining
	case "orient":
		f.Required("orient_reason")
		f.MaxLength("orient_reason", 1000)
		status, detail = Oriented, f.Get("orient_reason")
	case "not_eligible":
		f.Required("ineligible_reason")
		f.MaxLength("ineligible_reason", 1000)
		status, detail = NotEligible, f.Get("ineligible_reason")
	default:
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	if !f.Valid() {
		h.ShowInvalid(w, r, l, f)
		return
	}
	if err := SetStatus(ctx, h.DB, l.ID, status, detail, st.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.statusChanged(ctx, l.ID, l.Status, st.ID)
	h.BackToFile(w, r, l.ID, "")
}

// chosenCohort checks the cohort chosen is one of the file's antenna's open cohorts.
func (h *Handlers) chosenCohort(ctx context.Context, f *web.Form, l *Learner) (int64, string) {
	id, _ := strconv.ParseInt(f.Get("cohort"), 10, 64)
	if id <= 0 {
		f.Fail("cohort", "form.choose")
		return 0, ""
	}
	cohorts, err := training.OpenCohorts(ctx, h.DB, l.AntennaID)
	if err != nil {
		h.Log.WarnContext(ctx, "decision: cohorts unavailable", "err", err)
	}
	for _, c := range cohorts {
		if c.ID == id {
			return id, c.ProgrammeTitle + " — " + c.StartsOn.Format(time.DateOnly)
		}
	}
	f.Fail("cohort", "learner.cohort_closed")
	return 0, ""
}

// AddNote adds a staff note to the file.
func (h *Handlers) AddNote(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	f.Required("note")
	f.MaxLength("note", 4000)
	if !f.Valid() {
		h.ShowInvalid(w, r, l, f)
		return
	}
	if err := AddNote(ctx, h.DB, Note{LearnerID: l.ID, Body: f.Get("note"), StaffID: auth.Current(ctx).ID}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.BackToFile(w, r, l.ID, "#timeline")
}

// NotDuplicate clears the possible-duplicate flag between this file and ?other=.
func (h *Handlers) NotDuplicate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	o, err := h.otherFile(ctx, f.Get("other"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := ClearDuplicate(ctx, h.DB, l.ID, o.ID, auth.Current(ctx).ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.BackToFile(w, r, l.ID, "")
}

// LoadForm loads the file of the URL (404 outside the viewer's antennas) and
// reads the posted form: the start of every action on a file.
func (h *Handlers) LoadForm(w http.ResponseWriter, r *http.Request) (*Learner, *web.Form, bool) {
	l, ok := h.Load(w, r)
	if !ok {
		return nil, nil, false
	}
	f, ok := h.Render.Form(w, r)
	return l, f, ok
}
