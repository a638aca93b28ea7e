package profiles

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/communes"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/positioning"
)

// learner is the file a page is about, in the viewer's antennas.
type learner struct {
	ID                  int64
	FirstName, LastName string
}

func (h *Handlers) learner(w http.ResponseWriter, r *http.Request) (*learner, bool) {
	ctx := r.Context()
	args := db.Args{web.PathID(r, "id")}
	l := &learner{}
	err := h.DB.QueryRowContext(ctx, "SELECT id, first_name, last_name FROM learners WHERE id = $1 AND merged_into IS NULL AND "+
		auth.Current(ctx).Scope().Where("antenna_id", &args), args...).Scan(&l.ID, &l.FirstName, &l.LastName)
	if err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return nil, false
	}
	return l, true
}

// pageData is what the "Profil emploi" page shows.
type pageData struct {
	L        *learner
	View     *View
	History  []Consent
	Version  string
	Hows     []web.Option
	CVs      []web.Option
	HasCV    bool
	Consents []string // the levels, for the consent forms
}

// loadOrDefault is learnerID's profile, or a new one (not stored) with the
// default choices.
func (h *Handlers) loadOrDefault(ctx context.Context, id int64) (*Profile, error) {
	p, err := Load(ctx, h.DB, id)
	if errors.Is(err, db.ErrNotFound) {
		if err := h.DB.Tx(ctx, func(tx *sql.Tx) error { return ensure(ctx, tx, id) }); err != nil {
			return nil, err
		}
		if err := Refresh(ctx, h.DB, id); err != nil {
			return nil, err
		}
		return Load(ctx, h.DB, id)
	}
	return p, err
}

// Page is the "Profil emploi" of a learner's file: the consents in force and
// their history, the fields shown, the CV, and a preview of exactly what a
// recruiter sees: GET /learners/{id}/profile.
func (h *Handlers) Page(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	h.page(w, r, http.StatusOK, l, nil)
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, status int, l *learner, f *web.Form) {
	ctx := r.Context()
	// The summary is made again as the page opens: hours attended since count.
	if err := Refresh(ctx, h.DB, l.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p, err := h.loadOrDefault(ctx, l.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &pageData{L: l, Hows: web.CodeOptions("profiles.how.", Hows, "form.choose"), HasCV: p.HasCV,
		CVs: web.CodeOptions("profiles.cv.", []string{"none", "upload", "generated"}, "")}
	if d.View, err = ViewOf(ctx, h.DB, p); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.History, err = History(ctx, h.DB, l.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Version, err = CurrentVersion(ctx, h.DB, time.Now().UTC().Format(time.DateOnly)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if f == nil {
		f = choicesForm(p.Choices)
	}
	h.Render.Render(w, r, status, "profiles/profile.html", d, f)
}

func choicesForm(c Choices) *web.Form {
	f := web.NewForm(url.Values{})
	for name, on := range map[string]bool{"show_skills": c.ShowSkills, "show_courses": c.ShowCourses, "show_certificates": c.ShowCertificates,
		"show_languages": c.ShowLanguages, "show_availability": c.ShowAvailability, "show_town": c.ShowTown} {
		if on {
			f.Set(name, "1")
		}
	}
	cv := c.CV
	if cv == "" {
		cv = "none"
	}
	f.Set("cv", cv)
	f.Set("available_from", c.AvailableFrom)
	return f
}

// Save stores the fields the person chose to show: POST /learners/{id}/profile.
func (h *Handlers) Save(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	c := Choices{ShowSkills: f.Get("show_skills") == "1", ShowCourses: f.Get("show_courses") == "1",
		ShowCertificates: f.Get("show_certificates") == "1", ShowLanguages: f.Get("show_languages") == "1",
		ShowAvailability: f.Get("show_availability") == "1", ShowTown: f.Get("show_town") == "1", CV: f.Get("cv"), AvailableFrom: f.Get("available_from")}
	switch c.CV {
	case "none":
		c.CV = ""
	case "upload", "generated":
	default:
		f.Fail("cv", "profiles.error.cv_choice")
	}
	if c.AvailableFrom != "" && day(c.AvailableFrom).IsZero() {
		f.Fail("available_from", "profiles.error.date")
	}
	if c.CV == "upload" {
		if p, err := Load(r.Context(), h.DB, l.ID); err != nil || !p.HasCV {
			f.Fail("cv", "profiles.error.cv_none_uploaded")
		}
	}
	if !f.Valid() {
		h.page(w, r, http.StatusUnprocessableEntity, l, f)
		return
	}
	if err := SaveChoices(r.Context(), h.DB, l.ID, c); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "profiles.saved")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.ID, 10)+"/profile", http.StatusSeeOther)
}

// ConsentSave records a consent given or withdrawn, and how the person said
// so: POST /learners/{id}/profile/consent.
func (h *Handlers) ConsentSave(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	level, action := f.Get("level"), f.Get("action")
	if level != LevelProfile && level != LevelContact || action != "given" && action != "withdrawn" {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	how := f.Get("how_" + level)
	if !slices.Contains(Hows, how) {
		f.Fail("how_"+level, "profiles.error.how")
	}
	if f.Valid() {
		err := Record(r.Context(), h.DB, l.ID, level, action, how, auth.Current(r.Context()).ID)
		switch {
		case errors.Is(err, ErrNoProfileConsent):
			f.Fail("how_"+level, "profiles.error.contact_needs_profile")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		p, err := h.loadOrDefault(r.Context(), l.ID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		keep := choicesForm(p.Choices)
		keep.Errors = f.Errors
		keep.Set("how_"+level, how)
		h.page(w, r, http.StatusUnprocessableEntity, l, keep)
		return
	}
	h.Flash(r, "profiles.consent."+action)
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.ID, 10)+"/profile", http.StatusSeeOther)
}

// CVUpload keeps the PDF CV the person gave: POST /learners/{id}/profile/cv.
func (h *Handlers) CVUpload(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	f, body, name, err := web.Upload(r, "file", MaxCVBytes)
	fail := func(key string) {
		p, err := h.loadOrDefault(ctx, l.ID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		keep := choicesForm(p.Choices)
		keep.Fail("file", key)
		h.page(w, r, http.StatusUnprocessableEntity, l, keep)
	}
	switch {
	case errors.Is(err, web.ErrTooLarge):
		fail("profiles.error.cv_too_large")
		return
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	_ = f
	if body == nil {
		fail("profiles.error.cv_missing")
		return
	}
	if !IsPDF(body) {
		fail("profiles.error.cv_not_pdf")
		return
	}
	if err := SaveCV(ctx, h.DB, l.ID, name, body, auth.Current(ctx).ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "profiles.cv_saved")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.ID, 10)+"/profile", http.StatusSeeOther)
}

// Preview is the page a recruiter sees of the person, as staff check it:
// GET /learners/{id}/profile/preview.
func (h *Handlers) Preview(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	p, err := h.loadOrDefault(r.Context(), l.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	v, err := ViewOf(r.Context(), h.DB, p)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	file := "/learners/" + strconv.FormatInt(l.ID, 10) + "/profile"
	h.RecruiterPage(w, r, v, file, file+"/cv.pdf", true)
}

// RecruiterPage writes the recruiter's page of a view, with a link back and
// the address of the CV (shown when the view has one): the jobs package's
// company space calls it with RecruiterView's view, after checking that the
// profile was proposed to the company, and serves the CV with CV. preview
// marks the staff's preview.
func (h *Handlers) RecruiterPage(w http.ResponseWriter, r *http.Request, v *View, back, cvLink string, preview bool) {
	h.Render.Render(w, r, http.StatusOK, "profiles/recruiter.html", struct {
		V       *View
		Back    string
		Preview bool
		CVLink  string
	}{v, back, preview, cvLink}, nil)
}

// CVFile is the CV a recruiter would download (the generated one when none is
// chosen, for staff to check): GET /learners/{id}/profile/cv.pdf.
func (h *Handlers) CVFile(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	p, err := h.loadOrDefault(ctx, l.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if p.CV == "" {
		p.CV = "generated"
	}
	body, err := cvOf(ctx, h.DB, p)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/pdf", "cv-"+strconv.FormatInt(l.ID, 10)+".pdf")
	w.Write(body)
}

// matchData is what the matching page shows.
type matchData struct {
	Results     []Candidate
	Pager       web.Pager
	Competences []web.Option
	Levels      []web.Option
	Programmes  []web.Option
	Avail       []web.Option
	Within      []web.Option
	Searched    bool
	// Offer is the offer the results may be proposed for (?offer=), nil
	// for none.
	Offer    *MatchOffer
	HasPlace bool // the job's town was given: each candidate's distance, or that theirs is unknown
}

// MatchPage lists the consenting learners of the viewer's antennas who fit
// the criteria typed, best first, a page at a time: GET /profiles/match.
func (h *Handlers) MatchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := web.NewForm(r.URL.Query())
	c, searched := criteriaFrom(f)
	d := &matchData{Searched: searched, Competences: []web.Option{{Value: "", Label: "profiles.match.any_skill"}},
		Avail:  web.CodeOptions("learner.availability.", []string{"mornings", "afternoons", "evenings", "saturday"}, "profiles.match.any_time"),
		Within: []web.Option{{Value: "", Label: "profiles.match.within_departement"}}, HasPlace: c.INSEE != "" || c.Postcode != ""}
	for i, key := range []string{"profiles.match.within_10", "profiles.match.within_20", "profiles.match.within_30", "profiles.match.within_50"} {
		d.Within = append(d.Within, web.Option{Value: strconv.Itoa(Radii[i]), Label: key})
	}
	for _, comp := range positioning.Competences() {
		d.Competences = append(d.Competences, web.Option{Value: comp, Label: positioning.CompetenceKey(comp)})
	}
	for i := 1; i <= 8; i++ {
		d.Levels = append(d.Levels, web.Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i), Raw: true})
	}
	d.Programmes = []web.Option{{Value: "", Label: "profiles.match.any_course"}}
	err := db.Each(h.DB.QueryContext(ctx, "SELECT id, title FROM programmes ORDER BY title"))(func(s db.Scanner) error {
		var o web.Option
		var id int64
		if err := s.Scan(&id, &o.Label); err != nil {
			return err
		}
		o.Value, o.Raw = strconv.FormatInt(id, 10), true
		d.Programmes = append(d.Programmes, o)
		return nil
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if id, _ := strconv.ParseInt(f.Get("offer"), 10, 64); id > 0 && h.ForOffer != nil {
		o, ok, err := h.ForOffer(r, id)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if ok {
			d.Offer = &o
		}
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	} else if searched {
		page, offset := web.PageOf(r, MatchPageSize)
		var more bool
		if d.Results, more, err = Match(ctx, h.DB, auth.Current(ctx).Scope(), c, MatchPageSize, offset); errors.Is(err, ErrNoCentre) {
			// A commune whose centre is unknown (an overseas collectivity).
			f.Fail("town", "profiles.error.town_no_centre")
			d.Searched, status = false, http.StatusUnprocessableEntity
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.Pager = web.NewPager(r, page, more)
	}
	h.Render.Render(w, r, status, "profiles/match.html", d, f)
}

// Radii are the distances staff may search within, in km.
var Radii = []int{10, 20, 30, 50}

// MatchPageSize is how many people the matching page shows at once.
const MatchPageSize = 20

// criteriaFrom reads the matching form; searched is false for an empty form.
func criteriaFrom(f *web.Form) (Criteria, bool) {
	c := Criteria{ROME: strings.ToUpper(f.Get("rome")), Skills: map[string]int{}}
	searched := false
	for _, k := range []string{"rome", "town", "within", "skill", "programme", "min_hours", "availability", "start", "hours"} {
		if f.Get(k) != "" {
			searched = true
		}
	}
	if c.ROME != "" && !romeCode(c.ROME) {
		f.Fail("rome", "profiles.error.rome")
	}
	// The job's town: "59000 Lille", "Lille", a postcode (several communes may
	// share it: their middle), or an INSEE code as an offer's link gives it.
	if typed := strings.TrimSpace(f.Get("town")); typed != "" {
		switch m, n := communes.Find(typed); {
		case m != nil:
			c.INSEE = m.INSEE
		case n > 1 && len(typed) == 5 && Departement(typed) != "":
			c.Postcode = typed
		case n > 1:
			f.Fail("town", "profiles.error.town_many")
		default:
			f.Fail("town", "profiles.error.town")
		}
	}
	if v := f.Get("within"); v != "" {
		km, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(Radii, km) {
			f.Fail("within", "profiles.error.within")
		} else if f.Get("town") == "" {
			f.Fail("town", "profiles.error.town_needed")
		} else {
			c.WithinKm = km
		}
	}
	if s := f.Get("skill"); s != "" {
		lvl, err := strconv.Atoi(f.Get("level"))
		if !positioning.ValidCompetence(s) {
			f.Fail("skill", "profiles.error.skill")
		} else if err != nil || lvl < 1 || lvl > 8 {
			f.Fail("level", "profiles.error.level")
		} else {
			c.Skills[s] = lvl
		}
	}
	if v := f.Get("programme"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			f.Fail("programme", "profiles.error.programme")
		}
		c.Programme = id
	}
	for name, dst := range map[string]*int{"min_hours": &c.MinHours, "hours": &c.HoursPerWeek} {
		if v := f.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 2000 {
				f.Fail(name, "profiles.error.number")
			}
			*dst = n
		}
	}
	if a := f.Get("availability"); a != "" {
		if !slices.Contains([]string{"mornings", "afternoons", "evenings", "saturday"}, a) {
			f.Fail("availability", "profiles.error.availability")
		}
		c.Availability = []string{a}
	}
	if v := f.Get("start"); v != "" {
		if c.Start = day(v); c.Start.IsZero() {
			f.Fail("start", "profiles.error.date")
		}
	}
	return c, searched
}

// romeCode tells a ROME code: a letter and four digits (M1805).
func romeCode(s string) bool {
	return len(s) == 5 && s[0] >= 'A' && s[0] <= 'N' && strings.Trim(s[1:], "0123456789") == ""
}
