package jobs

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// FigureRow is one line of the recruitment figures: a company, an offer, a
// programme or an antenna, and what happened in the period — offers posted,
// applications proposed, interviews (applications taken to the stage before
// hire), hires, refusals by reason, and the median time the company took to
// answer (from the proposal to the first change of state a recruiter or
// staff recorded; the daily closing's refusals are not answers).
type FigureRow struct {
	Key, Label                       string
	Offers, Applications, Interviews int
	Hires                            int
	Refused                          map[string]int
	answers                          []time.Duration
	MedianDays                       float64 // -1 when nothing was answered
	sortCompany, sortTitle           string
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

// Period is the days the figures count, both included.
type Period struct{ From, To time.Time }

// LastYear is the default period: the twelve months up to today.
func LastYear(today time.Time) Period {
	return Period{From: today.AddDate(-1, 0, 1), To: today}
}

// Figures are the recruitment figures of a period for the offers of the
// scope's companies, per company, per offer, per programme (the one the
// person had followed last when proposed: their latest cohort with a seat;
// "" for none) and per
// antenna (the company's for offers, the person's for applications; people
// of antennas outside the scope are one line), and the whole. Each thing is
// counted on the day it happened, like the dashboard's recruitment table, so
// that a period's figures do not move when an older application changes.
type Figures struct {
	Total                                   *FigureRow
	Companies, Offers, Antennas, Programmes []*FigureRow
}

// activityCols are, for application a and the period [$1, $2), the day it
// was proposed, its first answer (the first change of state a recruiter or
// staff recorded: the daily closing's refusals are not answers), and whether
// it was taken to the stage before hire, hired or refused (the reason) in
// the period: the counting rules of the figures' page and of the
// dashboard's recruitment table, read into an activity.
const activityCols = `a.created_at, a.answered_at,
		CASE WHEN a.interview_at >= $1 AND a.interview_at < $2 THEN 1 ELSE 0 END,
		CASE WHEN a.hired_at >= $1 AND a.hired_at < $2 THEN 1 ELSE 0 END,
		CASE WHEN a.refused_at >= $1 AND a.refused_at < $2 THEN a.reason ELSE '' END`

// activity is what activityCols read of one application.
type activity struct {
	created, answered string
	interviews, hires int64
	refused           string
}

// count adds the application's activity in [from, to) to r: proposed in
// it, answered in it (the time taken), and at most one interview, hire and
// refusal, on the day each was recorded.
func (a *activity) count(r *FigureRow, from, to string) {
	if a.created >= from && a.created < to {
		r.Applications++
	}
	if a.answered >= from && a.answered < to {
		r.answers = append(r.answers, db.ParseTime(a.answered).Sub(db.ParseTime(a.created)))
	}
	r.Interviews += int(min(a.interviews, 1))
	r.Hires += int(min(a.hires, 1))
	if a.refused != "" {
		r.Refused[a.refused]++
	}
}

// offerFacts is what the figures show of an offer.
type offerFacts struct {
	donor          int64
	company, title string
}

// offersOf reads the offers of the scope's companies (every one: an
// application of the period may be to an older offer), by id.
func offersOf(ctx context.Context, d *db.DB, sc auth.Scope) (map[int64]offerFacts, error) {
	args := db.Args{}
	out := map[int64]offerFacts{}
	err := db.Each(d.QueryContext(ctx, `SELECT o.id, o.donor_id, d.org_name, o.title FROM job_offers o JOIN donors d ON d.id = o.donor_id
		WHERE `+sc.Where("d.antenna_id", &args), args...))(func(row db.Scanner) error {
		var id int64
		var o offerFacts
		err := row.Scan(&id, &o.donor, &o.company, &o.title)
		out[id] = o
		return err
	})
	return out, err
}

// OtherAntennas is the key of the line of people of antennas outside the
// viewer's.
const OtherAntennas = "other"

// ApplicationFigures reads the figures of period p for the offers of the
// scope's companies.
func ApplicationFigures(ctx context.Context, d *db.DB, sc auth.Scope, p Period) (*Figures, error) {
	from, to := p.From.Format(time.DateOnly), p.To.AddDate(0, 0, 1).Format(time.DateOnly)
	f := &Figures{Total: &FigureRow{Refused: map[string]int{}}}
	companies, offers, antennas, programmes := map[string]*FigureRow{}, map[string]*FigureRow{}, map[string]*FigureRow{}, map[string]*FigureRow{}
	get := func(m map[string]*FigureRow, list *[]*FigureRow, key, label string) *FigureRow {
		if r, ok := m[key]; ok {
			return r
		}
		r := &FigureRow{Key: key, Label: label, Refused: map[string]int{}}
		m[key] = r
		*list = append(*list, r)
		return r
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	// The offers posted in the period.
	args := db.Args{from, to}
	err := db.Each(d.QueryContext(ctx, `SELECT o.donor_id, d.org_name, o.id, o.title, COALESCE(n.id, 0), COALESCE(n.name, '')
		FROM job_offers o JOIN donors d ON d.id = o.donor_id LEFT JOIN antennas n ON n.id = d.antenna_id
		WHERE o.created_at >= $1 AND o.created_at < $2 AND `+sc.Where("d.antenna_id", &args)+` ORDER BY o.id`, args...))(func(row db.Scanner) error {
		var donor, offer, antenna int64
		var company, title, aname string
		if err := row.Scan(&donor, &company, &offer, &title, &antenna, &aname); err != nil {
			return err
		}
		akey := id(antenna)
		if antenna == 0 {
			akey = OtherAntennas // a national company
		}
		o := get(offers, &f.Offers, id(offer), company+" — "+title)
		o.sortCompany, o.sortTitle = company, title
		for _, r := range []*FigureRow{f.Total, get(companies, &f.Companies, id(donor), company), o, get(antennas, &f.Antennas, akey, aname)} {
			r.Offers++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The programmes' titles.
	titles := map[int64]string{}
	err = db.Each(d.QueryContext(ctx, "SELECT id, title FROM programmes"))(func(row db.Scanner) error {
		var pid int64
		var t string
		err := row.Scan(&pid, &t)
		titles[pid] = t
		return err
	})
	if err != nil {
		return nil, err
	}
	// The scope's companies' offers, and the antennas (the scope's by name).
	known, err := offersOf(ctx, d, sc)
	if err != nil {
		return nil, err
	}
	args = db.Args{}
	names := map[int64]string{}
	err = db.Each(d.QueryContext(ctx, "SELECT id, name FROM antennas WHERE "+sc.Where("id", &args), args...))(func(row db.Scanner) error {
		var aid int64
		var name string
		err := row.Scan(&aid, &name)
		names[aid] = name
		return err
	})
	if err != nil {
		return nil, err
	}
	// One pass over the applications proposed or changed in the period (to
	// the scope's companies' offers), with their first answer and what
	// happened to them in the period: their row only (factsSQL).
	err = db.Each(d.QueryContext(ctx, `SELECT a.offer_id, COALESCE(a.antenna_id, 0), COALESCE(a.programme_id, 0), `+activityCols+`
		FROM job_applications a WHERE a.changed_at >= $1 AND $2 <> '' ORDER BY a.id`, from, to))(func(row db.Scanner) error {
		var offer, antenna, programme int64
		var act activity
		if err := row.Scan(&offer, &antenna, &programme, &act.created, &act.answered, &act.interviews, &act.hires, &act.refused); err != nil {
			return err
		}
		of, ok := known[offer]
		if !ok {
			return nil
		}
		donor, company, title := of.donor, of.company, of.title
		akey, aname := id(antenna), names[antenna]
		if _, ours := names[antenna]; !ours {
			akey, aname = OtherAntennas, ""
		}
		o := get(offers, &f.Offers, id(offer), company+" — "+title)
		o.sortCompany, o.sortTitle = company, title
		for _, r := range []*FigureRow{f.Total, get(companies, &f.Companies, id(donor), company), o,
			get(antennas, &f.Antennas, akey, aname), get(programmes, &f.Programmes, id(programme), titles[programme])} {
			act.count(r, from, to)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Lines where nothing happened in the period (an application changed
	// in it by the daily closing's obsolete marks only) are left out.
	keep := func(list []*FigureRow) []*FigureRow {
		return slices.DeleteFunc(list, func(r *FigureRow) bool {
			return r.Offers+r.Applications+r.Interviews+r.Hires+r.RefusedTotal()+len(r.answers) == 0
		})
	}
	f.Companies, f.Offers, f.Antennas, f.Programmes = keep(f.Companies), keep(f.Offers), keep(f.Antennas), keep(f.Programmes)
	byLabel := func(a, b *FigureRow) int {
		// The line of other antennas and of no programme last.
		if x, y := a.Label == "", b.Label == ""; x != y {
			if x {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.Key, b.Key))
	}
	slices.SortStableFunc(f.Companies, byLabel)
	slices.SortStableFunc(f.Antennas, byLabel)
	slices.SortStableFunc(f.Programmes, byLabel)
	slices.SortStableFunc(f.Offers, func(a, b *FigureRow) int {
		return cmp.Or(cmp.Compare(a.sortCompany, b.sortCompany), cmp.Compare(a.sortTitle, b.sortTitle), cmp.Compare(a.Key, b.Key))
	})
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

// FigureOffersPerPage is how many offers the figures' table by offer shows
// at once.
const FigureOffersPerPage = 50

// FigureCompaniesShown is how many companies the figures' table by company
// names: a national association works with thousands.
const FigureCompaniesShown = 30

// mostActive keeps the n rows with the most offers and applications, in
// their order, and sums the others into one last line.
func mostActive(rows []*FigureRow, n int, p i18n.Printer) []*FigureRow {
	if len(rows) <= n {
		return rows
	}
	ranked := slices.Clone(rows)
	slices.SortStableFunc(ranked, func(a, b *FigureRow) int { return (b.Offers + b.Applications) - (a.Offers + a.Applications) })
	kept := map[*FigureRow]bool{}
	for _, r := range ranked[:n] {
		kept[r] = true
	}
	others := &FigureRow{Key: "others", Label: p.T("jobs.figures.other_companies", "n", len(rows)-n), Refused: map[string]int{}}
	var out []*FigureRow
	for _, r := range rows {
		if kept[r] {
			out = append(out, r)
			continue
		}
		others.Offers += r.Offers
		others.Applications += r.Applications
		others.Interviews += r.Interviews
		others.Hires += r.Hires
		for k, v := range r.Refused {
			others.Refused[k] += v
		}
		others.answers = append(others.answers, r.answers...)
	}
	others.MedianDays = median(others.answers)
	return append(out, others)
}

// figuresTable is one table of the figures' page.
type figuresTable struct {
	Key   string
	Rows  []*FigureRow
	Pager *web.Pager
}

// Figures is the page of the recruitment figures of a period (the last
// twelve months unless from and to are given): GET /jobs/figures.
func (h *Handlers) Figures(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := LastYear(h.today())
	form := web.NewForm(url.Values{"from": {q.Get("from")}, "to": {q.Get("to")}})
	if form.Get("from") == "" && form.Get("to") == "" {
		form.Set("from", p.From.Format(time.DateOnly))
		form.Set("to", p.To.Format(time.DateOnly))
	}
	for name, dst := range map[string]*time.Time{"from": &p.From, "to": &p.To} {
		v := form.Get(name)
		if v == "" {
			continue
		}
		day, err := time.Parse(time.DateOnly, v)
		if err != nil || day.Year() < 2000 || day.Year() > 2100 {
			form.Fail(name, "jobs.figures.error.date")
			continue
		}
		*dst = day
	}
	if form.Valid() && p.To.Before(p.From) {
		form.Fail("to", "jobs.figures.error.order")
	}
	status := http.StatusOK
	if !form.Valid() {
		// The figures of the default period stay under the fields in error.
		status, p = http.StatusUnprocessableEntity, LastYear(h.today())
	}
	f, err := ApplicationFigures(r.Context(), h.DB, auth.Current(r.Context()).Scope(), p)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page, offset := web.PageOf(r, FigureOffersPerPage)
	offers := f.Offers[min(offset, len(f.Offers)):]
	pager := web.NewPager(r, page, len(offers) > FigureOffersPerPage)
	offers = offers[:min(len(offers), FigureOffersPerPage)]
	h.Render.Render(w, r, status, "jobs/figures.html", struct {
		*Figures
		Period  Period
		Tables  []figuresTable
		Reasons []string
	}{f, p, []figuresTable{{"company", mostActive(f.Companies, FigureCompaniesShown, i18n.FromContext(r.Context())), nil},
		{"offer", offers, &pager}, {"programme", f.Programmes, nil},
		{"antenna", f.Antennas, nil}}, Reasons}, form)
}
