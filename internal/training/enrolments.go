package training

// Enrolling from the cohort page: people of the antenna found by name, the
// programme's waitlist, and the cohort's own waitlist a few at a time; offers
// confirmed and places given up.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Candidate is a person staff may enrol in a cohort.
type Candidate struct {
	LearnerID int64
	FirstName string
	LastName  string
	Phone     string
	CohortID  int64 // for the programme's waitlist: the cohort they wait for
}

// candidateLimit bounds a search: a longer name narrows it.
const candidateLimit = 10

// notInCohort keeps the people without a seat, an offer or a place on the
// cohort's waitlist ($1 is the cohort).
const notInCohort = `NOT EXISTS (SELECT 1 FROM enrolments x WHERE x.cohort_id = $1 AND x.learner_id = l.id
	AND x.state IN ('enrolled', 'offered', 'waitlisted'))`

// FindCandidates finds people of the cohort's antenna not yet in it by the start of
// their names: keys are the folded words typed (see the learners package's NameKey).
// The first word starts the last or the first name (one walk of each index led by
// the antenna); the others must start one of the two names.
func FindCandidates(ctx context.Context, d *db.DB, c *Cohort, keys []string) ([]Candidate, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	type found struct {
		Candidate
		first, last string
	}
	var all []found
	seen := map[int64]bool{}
	for _, col := range []string{"last_key", "first_key"} {
		rows, err := d.QueryContext(ctx, fmt.Sprintf(`SELECT l.id, l.first_name, l.last_name, l.phone, l.first_key, l.last_key FROM learners l
			WHERE l.antenna_id = $2 AND l.%[1]s >= $3 AND substr(l.%[1]s, 1, %[2]d) = $3 AND l.merged_into IS NULL AND `+notInCohort+`
			ORDER BY l.%[1]s, l.id LIMIT %[3]d`, col, utf8.RuneCountInString(keys[0]), candidateLimit*5), c.ID, c.AntennaID, keys[0])
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var f found
			if err := rows.Scan(&f.LearnerID, &f.FirstName, &f.LastName, &f.Phone, &f.first, &f.last); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[f.LearnerID] {
				seen[f.LearnerID] = true
				all = append(all, f)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []Candidate
	for _, f := range all {
		ok := true
		for _, k := range keys[1:] {
			ok = ok && (strings.HasPrefix(f.first, k) || strings.HasPrefix(f.last, k))
		}
		if ok && len(out) < candidateLimit {
			out = append(out, f.Candidate)
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		return strings.Compare(strings.ToLower(a.LastName+" "+a.FirstName), strings.ToLower(b.LastName+" "+b.FirstName))
	})
	return out, nil
}

// ProgrammeWaitlist lists the people waiting for another cohort of the same
// programme in the same antenna, and not in this one, longest waiting first.
func ProgrammeWaitlist(ctx context.Context, d *db.DB, c *Cohort, limit int) ([]Candidate, error) {
	rows, err := d.QueryContext(ctx, `SELECT l.id, l.first_name, l.last_name, l.phone, MIN(e.cohort_id) FROM enrolments e
		JOIN cohorts o ON o.id = e.cohort_id JOIN learners l ON l.id = e.learner_id
		WHERE o.programme_id = $2 AND o.antenna_id = $3 AND o.id <> $1 AND e.state = 'waitlisted' AND `+notInCohort+`
		GROUP BY l.id, l.first_name, l.last_name, l.phone ORDER BY MIN(e.since), l.id LIMIT `+strconv.Itoa(limit),
		c.ID, c.ProgrammeID, c.AntennaID)
	return db.Collect[Candidate](rows, err)(func(s db.Scanner) (Candidate, error) {
		var x Candidate
		err := s.Scan(&x.LearnerID, &x.FirstName, &x.LastName, &x.Phone, &x.CohortID)
		return x, err
	})
}

// learnerAntenna returns the antenna of a file not merged into another, or db.ErrNotFound.
func learnerAntenna(ctx context.Context, d *db.DB, learnerID int64) (int64, error) {
	var id int64
	err := d.QueryRowContext(ctx, "SELECT antenna_id FROM learners WHERE id = $1 AND merged_into IS NULL", learnerID).Scan(&id)
	err = db.NotFound(err)
	return id, err
}

// --- Pages ---------------------------------------------------------------------

// enrolSection is what the cohort page offers to enrol people.
type enrolSection struct {
	Query      string
	Searched   bool
	Found      []Candidate
	Programme  []Candidate // waiting for another cohort of the programme
	Formerly   []Affected  // had a place before the cohort was cancelled
	TakesSeats bool        // the cohort takes enrolments
	Full       bool        // no seat left: the buttons put people on the waitlist
}

// enrolChoices gathers, for the cohort page, the people found by the search q,
// the programme's waitlist and the people the cohort had before a cancellation.
func (h *Handlers) enrolChoices(ctx context.Context, c *Cohort, q string) (*enrolSection, error) {
	e := &enrolSection{Query: strings.TrimSpace(q), TakesSeats: takesEnrolments(c.State), Full: c.SeatsLeft() == 0}
	var err error
	if e.Formerly, err = FormerlyIn(ctx, h.DB, c.ID); err != nil {
		return nil, err
	}
	if !e.TakesSeats {
		return e, nil
	}
	if e.Query != "" && h.NameKey != nil {
		e.Searched = true
		var keys []string
		for w := range strings.FieldsSeq(e.Query) {
			if k := h.NameKey(w); k != "" {
				keys = append(keys, k)
			}
		}
		if e.Found, err = FindCandidates(ctx, h.DB, c, keys); err != nil {
			return nil, err
		}
	}
	e.Programme, err = ProgrammeWaitlist(ctx, h.DB, c, 20)
	return e, err
}

// CohortEnrol enrols one person of the cohort's antenna from the cohort page, or
// puts them on the waitlist when asked or when the last seat has just gone.
func (h *Handlers) CohortEnrol(w http.ResponseWriter, r *http.Request) {
	c, ok := h.scopedCohort(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	st := auth.Current(ctx)
	learner, _ := strconv.ParseInt(f.Get("learner"), 10, 64)
	if antenna, err := learnerAntenna(ctx, h.DB, learner); err != nil || antenna != c.AntennaID {
		h.Render.NotFound(w, r)
		return
	}
	back := "/cohorts/" + idString(c.ID) + "#roster"
	var err error
	if f.Get("waitlist") != "" {
		err = Waitlist(ctx, h.DB, c.ID, learner, st.ID)
		if err == nil {
			h.tell(ctx, []Change{{LearnerID: learner, State: Waitlisted}})
			h.Flash(r, "training.waitlisted_one")
			http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#waitlist", http.StatusSeeOther)
			return
		}
	} else {
		_, err = Enrol(ctx, h.DB, c.ID, learner, st.ID, h.Seats)
		if err == nil {
			h.tell(ctx, []Change{{LearnerID: learner, State: Enrolled}})
			h.Flash(r, "training.enrolled_one")
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
	}
	switch {
	case errors.Is(err, ErrCohortFull):
		h.Flash(r, "training.full_now")
		http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"?q="+url.QueryEscape(f.Get("q"))+"#enrol", http.StatusSeeOther)
	case errors.Is(err, ErrCohortClosed):
		h.Render.Error(w, r, http.StatusConflict)
	default:
		h.Render.Fail(w, r, err)
	}
}

// CohortWaitlistAction enrols, or offers a seat to, the people chosen on the
// cohort's waitlist, within the seats left; the page then says who could not be.
func (h *Handlers) CohortWaitlistAction(w http.ResponseWriter, r *http.Request) {
	c, ok := h.scopedCohort(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	var chosen []int64
	for _, v := range f.All("learner") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && !slices.Contains(chosen, id) {
			chosen = append(chosen, id)
		}
	}
	back := "/cohorts/" + idString(c.ID)
	if len(chosen) == 0 {
		h.Flash(r, "training.choose_people")
		http.Redirect(w, r, back+"#waitlist", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	st := auth.Current(ctx)
	var changes []Change
	var left []int64
	var err error
	switch f.Get("action") {
	case "enrol":
		for _, l := range chosen {
			var state string
			state, err = enrolmentState(ctx, h.DB, c.ID, l)
			if err == nil && state != Waitlisted {
				left = append(left, l)
				continue
			}
			if err == nil {
				_, err = Enrol(ctx, h.DB, c.ID, l, st.ID, h.Seats)
			}
			if errors.Is(err, ErrCohortFull) || errors.Is(err, ErrCohortClosed) {
				left, err = append(left, l), nil
				continue
			}
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			changes = append(changes, Change{LearnerID: l, State: Enrolled})
		}
	case "offer":
		changes, left, err = OfferTo(ctx, h.DB, c.ID, chosen, st.ID, h.Seats)
		if errors.Is(err, ErrCohortClosed) {
			h.Render.Error(w, r, http.StatusConflict)
			return
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	default:
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	h.tell(ctx, changes)
	if len(left) > 0 {
		ids := make([]string, len(left))
		for i, l := range left {
			ids[i] = idString(l)
		}
		h.Flash(r, "training.some_left")
		http.Redirect(w, r, back+"?left="+strings.Join(ids, ",")+"#waitlist", http.StatusSeeOther)
		return
	}
	h.Flash(r, "training.waitlist_done")
	http.Redirect(w, r, back+"#roster", http.StatusSeeOther)
}

// CohortOffer offers the free seats to the people waiting, first in line first.
func (h *Handlers) CohortOffer(w http.ResponseWriter, r *http.Request) {
	c, ok := h.scopedCohort(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	changes, err := OfferSeats(ctx, h.DB, c.ID, auth.Current(ctx).ID, h.Seats)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.tell(ctx, changes)
	h.Flash(r, "training.seats_offered")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#roster", http.StatusSeeOther)
}

// EnrolmentWithdraw ends an enrolment, an offer (the seat passes to the next
// person waiting) or a place on the waitlist.
func (h *Handlers) EnrolmentWithdraw(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	cohortID, learnerID, state, err := EnrolmentByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	changes, err := Withdraw(ctx, h.DB, cohortID, learnerID, st.ID, h.Seats)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.tell(ctx, changes)
	if state == Offered {
		h.Flash(r, "training.offer_passed")
	} else {
		h.Flash(r, "training.withdrawn")
	}
	http.Redirect(w, r, "/cohorts/"+idString(cohortID)+"#roster", http.StatusSeeOther)
}

// EnrolmentConfirm turns an offered seat into an enrolment.
func (h *Handlers) EnrolmentConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	cohortID, learnerID, state, err := EnrolmentByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if state == Offered {
		if _, err := Enrol(ctx, h.DB, cohortID, learnerID, st.ID, h.Seats); err != nil && !errors.Is(err, ErrCohortClosed) {
			h.Render.Fail(w, r, err)
			return
		} else if err == nil {
			h.tell(ctx, []Change{{LearnerID: learnerID, State: Enrolled}})
			h.Flash(r, "training.offer_confirmed")
		}
	}
	http.Redirect(w, r, "/cohorts/"+idString(cohortID)+"#roster", http.StatusSeeOther)
}
