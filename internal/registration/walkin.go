package registration

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// Sources staff record a person from: someone who came in, or who phoned.
var StaffSources = []string{"walk_in", "phone"}

// walkInData is the walk-in form: the person's details as at registration, how
// they reached the association, and the language to write to them in.
type walkInData struct {
	learners.PersonChoices
	Sources []learners.Choice
	Langs   []web.Option
}

func (h *Handlers) walkInData(ctx context.Context, f *web.Form) (walkInData, error) {
	d, err := h.Learners.StaffPersonChoices(ctx, f)
	if err != nil {
		return walkInData{}, err
	}
	langs := make([]web.Option, len(i18n.Languages))
	for i, l := range i18n.Languages {
		langs[i] = web.Option{Value: l, Label: "walkin.lang." + l}
	}
	return walkInData{PersonChoices: d, Sources: learners.Choices(f, "source", "walkin.source.", StaffSources), Langs: langs}, nil
}

// WalkInForm is the staff form to record a person who came in or phoned.
func (h *Handlers) WalkInForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := web.NewForm(url.Values{"source": {"walk_in"}, "lang": {i18n.FromContext(ctx).Lang}})
	antennas, _, err := h.Learners.StaffAntennas(ctx)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(antennas) == 1 {
		f.Set("antenna", strconv.FormatInt(antennas[0].ID, 10))
	}
	h.renderWalkIn(w, r, http.StatusOK, f)
}

func (h *Handlers) renderWalkIn(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	d, err := h.walkInData(r.Context(), f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "registration/walkin.html", d, f)
}

// recentSame finds a file of the antenna recorded by staff in the last minutes
// with the same phone, names and birth year: the same form sent twice.
func recentSame(ctx context.Context, d *db.DB, l *learners.Learner, since time.Time) (int64, error) {
	var id int64
	err := d.QueryRowContext(ctx, `SELECT id FROM learners WHERE phone = $1 AND antenna_id = $2 AND first_key = $3 AND last_key = $4
		AND birth_year = $5 AND source IN ('walk_in', 'phone') AND created_at >= $6 AND merged_into IS NULL ORDER BY id LIMIT 1`,
		l.Phone, l.AntennaID, learners.NameKey(l.FirstName), learners.NameKey(l.LastName), l.BirthYear, db.FormatTime(since)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// WalkIn records a person who came in or phoned, checked as the public
// registration is. They land in the inbox given to whoever recorded them,
// flagged when a file looks like theirs; the acknowledgement (SMS, email) goes
// only when staff tick it.
func (h *Handlers) WalkIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	antennas, _, err := h.Learners.StaffAntennas(ctx)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	antenna := chosenAntenna(f, antennas)
	l := &learners.Learner{Source: f.Get("source"), Lang: f.Get("lang")}
	personIn(f, l, antenna, time.Now())
	if !slices.Contains(StaffSources, l.Source) {
		f.Fail("source", "form.choose")
	}
	if !slices.Contains(i18n.Languages, l.Lang) {
		f.Fail("lang", "form.choose")
	}
	if f.Get("consent") != "yes" {
		f.Fail("consent", "walkin.consent_required")
	}
	l.WishedProgramme = h.Learners.KnownProgramme(ctx, f.Get("programme"))
	if !f.Valid() {
		h.renderWalkIn(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	// The same form sent twice (a double tap, a slow network) opens the file
	// recorded the first time.
	if same, err := recentSame(ctx, h.DB, l, time.Now().Add(-10*time.Minute)); err != nil {
		h.Render.Fail(w, r, err)
		return
	} else if same != 0 {
		h.Flash(r, "walkin.already")
		http.Redirect(w, r, "/learners/"+strconv.FormatInt(same, 10), http.StatusSeeOther)
		return
	}
	p := i18n.For(l.Lang)
	l.ConsentText = p.T("walkin.consent_text")
	var checks learners.Checks
	if f.Get("confirm") == "yes" {
		checks.Then = h.acknowledge(p, antenna, nil)
	}
	if err := learners.RegisterChecked(ctx, h.DB, l, checks); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if _, err := learners.Assign(ctx, h.DB, st.Scope(), []int64{l.ID}, st, st.ID); err != nil {
		h.Log.WarnContext(ctx, "walk-in: not assigned to whoever recorded it", "learner_id", l.ID, "err", err)
	}
	h.Log.InfoContext(ctx, "walk-in recorded", "learner_id", l.ID, "staff_id", st.ID, "source", l.Source, "duplicate_of", l.DuplicateOf)
	if l.DuplicateOf != 0 {
		h.Flash(r, "walkin.saved_duplicate")
	} else {
		h.Flash(r, "walkin.saved")
	}
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
}
