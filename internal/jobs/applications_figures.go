package jobs

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// FigureRow is one line of the applications' figures: a company, an offer or
// an antenna, its applications, hires, refusals by reason and the median
// time the company took to answer (first change of state after the
// proposal; the daily closing's refusals are not answers).
type FigureRow struct {
	Key, Label          string
	Applications, Hires int
	Refused             map[string]int
	answers             []time.Duration
	MedianDays          float64 // -1 when nothing was answered
}

// RefusedTotal is the refusals of every reason.
func (f *FigureRow) RefusedTotal() int {
	n := 0
	for _, v := range f.Refused {
		n += v
	}
	return n
}

// Reason is the refusals of one reason.
func (f *FigureRow) Reason(r string) int { return f.Refused[r] }

// Figures are the applications of the scope's companies, per company, per
// offer, per antenna (the person's) and per programme (of the person's
// latest enrolment; 0 and "" for none), and the whole.
type Figures struct {
	Total                                   *FigureRow
	Companies, Offers, Antennas, Programmes []*FigureRow
}

// ApplicationFigures reads the figures of the applications to the offers of
// the scope's companies. The answer of each is the first event after its
// proposal that a recruiter or staff recorded.
func ApplicationFigures(ctx context.Context, d *db.DB, sc auth.Scope) (*Figures, error) {
	args := db.Args{}
	where := sc.Where("d.antenna_id", &args)
	rows, qerr := d.QueryContext(ctx, `SELECT o.donor_id, d.org_name, o.id, o.title, n.id, n.name, a.state, a.reason, a.created_at,
		COALESCE((SELECT c.programme_id FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id WHERE en.learner_id = a.learner_id
			AND en.state = 'enrolled' ORDER BY en.id DESC LIMIT 1), 0),
		COALESCE((SELECT p.title FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id JOIN programmes p ON p.id = c.programme_id
			WHERE en.learner_id = a.learner_id AND en.state = 'enrolled' ORDER BY en.id DESC LIMIT 1), ''),
		COALESCE((SELECT MIN(e.at) FROM job_application_events e WHERE e.application_id = a.id AND e.state <> 'new'
			AND (e.recruiter_id IS NOT NULL OR e.staff_id IS NOT NULL)), '')
		FROM job_applications a JOIN job_offers o ON o.id = a.offer_id JOIN donors d ON d.id = o.donor_id
		JOIN learners l ON l.id = a.learner_id JOIN antennas n ON n.id = l.antenna_id
		WHERE `+where+` ORDER BY a.id`, args...)
	f := &Figures{Total: &FigureRow{Refused: map[string]int{}}}
	companies, offers, antennas, programmes := map[int64]*FigureRow{}, map[int64]*FigureRow{}, map[int64]*FigureRow{}, map[int64]*FigureRow{}
	get := func(m map[int64]*FigureRow, list *[]*FigureRow, id int64, label string) *FigureRow {
		if r, ok := m[id]; ok {
			return r
		}
		r := &FigureRow{Key: strconv.FormatInt(id, 10), Label: label, Refused: map[string]int{}}
		m[id] = r
		*list = append(*list, r)
		return r
	}
	err := db.Each(rows, qerr)(func(row db.Scanner) error {
		var donor, offer, antenna, programme int64
		var company, title, aname, state, reason, created, pname, answered string
		if err := row.Scan(&donor, &company, &offer, &title, &antenna, &aname, &state, &reason, &created, &programme, &pname, &answered); err != nil {
			return err
		}
		for _, r := range []*FigureRow{f.Total, get(companies, &f.Companies, donor, company), get(offers, &f.Offers, offer, company+" — "+title),
			get(antennas, &f.Antennas, antenna, aname), get(programmes, &f.Programmes, programme, pname)} {
			r.Applications++
			switch state {
			case AppAccepted:
				r.Hires++
			case AppRefused:
				r.Refused[reason]++
			}
			if answered != "" {
				r.answers = append(r.answers, db.ParseTime(answered).Sub(db.ParseTime(created)))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range slices.Concat([]*FigureRow{f.Total}, f.Companies, f.Offers, f.Antennas, f.Programmes) {
		r.MedianDays = median(r.answers)
	}
	return f, nil
}

// Median is the median time to answer, in days to one decimal, "" when
// nothing was answered.
func (f *FigureRow) Median() string {
	if f.MedianDays < 0 {
		return ""
	}
	return strconv.FormatFloat(f.MedianDays, 'f', 1, 64)
}

// median is the median of ds in days, to one decimal; -1 for none.
func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return -1
	}
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return float64(int(m.Hours()/24*10+0.5)) / 10
}

// Figures is the page of the applications' figures: GET /jobs/figures.
func (h *Handlers) Figures(w http.ResponseWriter, r *http.Request) {
	f, err := ApplicationFigures(r.Context(), h.DB, auth.Current(r.Context()).Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	type table struct {
		Key  string
		Rows []*FigureRow
	}
	h.Render.Render(w, r, http.StatusOK, "jobs/figures.html", struct {
		*Figures
		Tables  []table
		Reasons []string
	}{f, []table{{"company", f.Companies}, {"offer", f.Offers}, {"antenna", f.Antennas}, {"programme", f.Programmes}}, Reasons}, nil)
}
