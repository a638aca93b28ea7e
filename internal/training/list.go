package training

// The staff list of cohorts, a page at a time: at national scale (25,000 cohorts)
// a page is one walk of an index in start order.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// CohortFilter narrows a list of cohorts; zero values mean "any". From and To
// keep the cohorts whose dates meet that period.
type CohortFilter struct {
	AntennaID   int64
	ProgrammeID int64
	State       string
	From, To    time.Time
}

// where builds the filter's condition with the scope, numbering placeholders from 1.
func (f CohortFilter) where(sc auth.Scope) (string, []any) {
	scope, args := sc.WhereN("c.antenna_id", 1)
	conds := []string{scope}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.AntennaID != 0 {
		add("c.antenna_id = $?", f.AntennaID)
	}
	if f.ProgrammeID != 0 {
		add("c.programme_id = $?", f.ProgrammeID)
	}
	if f.State != "" {
		add("c.state = $?", f.State)
	}
	if !f.From.IsZero() {
		add("c.ends_on >= $?", f.From.Format(dateLayout))
	}
	if !f.To.IsZero() {
		add("c.starts_on <= $?", f.To.Format(dateLayout))
	}
	return strings.Join(conds, " AND "), args
}

// Cohorts lists every cohort in scope matching f, the most recent first, at
// once: for short lists (one antenna's); pages and exports use CohortsAfter.
func Cohorts(ctx context.Context, d *db.DB, sc auth.Scope, f CohortFilter) ([]*Cohort, error) {
	where, args := f.where(sc)
	rows, err := d.QueryContext(ctx, "SELECT "+cohortColumns+cohortFrom+" WHERE "+where+" ORDER BY c.starts_on DESC, c.id DESC", args...)
	return db.Collect[*Cohort](rows, err)(func(s db.Scanner) (*Cohort, error) { return scanCohort(s) })
}

// CohortPageSize is how many cohorts a page of the list shows.
const CohortPageSize = 25

// CohortPage lists at most limit cohorts in scope matching f, the most recent
// first, after the cursor (empty: from the start). next is the cursor of the
// following page, empty on the last one; total counts every match.
func CohortPage(ctx context.Context, d *db.DB, sc auth.Scope, f CohortFilter, after string, limit int) (list []*Cohort, next string, total int, err error) {
	where, args := f.where(sc)
	if err = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM cohorts c WHERE "+where, args...).Scan(&total); err != nil {
		return nil, "", 0, err
	}
	list, next, err = CohortsAfter(ctx, d, sc, f, after, limit)
	return list, next, total, err
}

// CohortsAfter is CohortPage without the count: the exports walk every cohort
// with it, a page at a time.
func CohortsAfter(ctx context.Context, d *db.DB, sc auth.Scope, f CohortFilter, after string, limit int) (list []*Cohort, next string, err error) {
	where, args := f.where(sc)
	if day, id, ok := parseCursor(after); ok {
		n := len(args)
		where += fmt.Sprintf(" AND (c.starts_on < $%d OR (c.starts_on = $%d AND c.id < $%d))", n+1, n+1, n+2)
		args = append(args, day, id)
	}
	// The page's ids first, from the cohorts alone (one walk of an index in start
	// order), then their details and seat counts: joined first, the planner may
	// count the seats of every cohort before sorting.
	rows, err := d.QueryContext(ctx, "SELECT "+cohortColumns+" FROM (SELECT c.id FROM cohorts c WHERE "+where+
		fmt.Sprintf(" ORDER BY c.starts_on DESC, c.id DESC LIMIT %d) page JOIN cohorts c ON c.id = page.id", limit+1)+
		strings.TrimPrefix(cohortFrom, " FROM cohorts c")+" ORDER BY c.starts_on DESC, c.id DESC", args...)
	list, err = db.Collect[*Cohort](rows, err)(func(s db.Scanner) (*Cohort, error) { return scanCohort(s) })
	if err != nil {
		return nil, "", err
	}
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = last.StartsOn.Format(dateLayout) + "." + strconv.FormatInt(last.ID, 10)
	}
	return list, next, nil
}

// parseCursor reads "YYYY-MM-DD.id"; anything else starts from the beginning.
func parseCursor(s string) (string, int64, bool) {
	day, rest, ok := strings.Cut(s, ".")
	if !ok {
		return "", 0, false
	}
	if _, err := time.Parse(dateLayout, day); err != nil {
		return "", 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return day, id, err == nil && id > 0
}

// --- Page ------------------------------------------------------------------------

type cohortListData struct {
	Cohorts    []*Cohort
	Total      int
	Next       string // the next page, empty on the last
	First      string // the first page, when not on it
	Antennas   []web.Option
	Programmes []web.Option
	States     []web.Option
	CanAdd     bool
}

// CohortList shows the cohorts of the person's antennas a page at a time, filtered
// by antenna, programme, state and period.
func (h *Handlers) CohortList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	q := r.URL.Query()
	form := web.NewForm(url.Values{})
	filter := CohortFilter{State: q.Get("state")}
	if !slices.Contains(States, filter.State) {
		filter.State = ""
	}
	form.Values.Set("state", filter.State)
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	programmes, err := ProgrammesIn(ctx, h.DB, st.Scope(), true)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := cohortListData{Antennas: []web.Option{{Value: "", Label: "training.all_antennas"}}}
	id, _ := strconv.ParseInt(q.Get("antenna"), 10, 64)
	for _, a := range antennas {
		data.Antennas = append(data.Antennas, web.Option{Value: idString(a.ID), Label: a.Name, Raw: true})
		data.CanAdd = data.CanAdd || st.ManagesAntenna(a.ID)
		if a.ID == id {
			filter.AntennaID = id
		}
	}
	form.Values.Set("antenna", idString(filter.AntennaID))
	lang := lang(r)
	data.Programmes = []web.Option{{Value: "", Label: "training.all_programmes"}}
	id, _ = strconv.ParseInt(q.Get("programme"), 10, 64)
	for _, p := range programmes {
		data.Programmes = append(data.Programmes, web.Option{Value: idString(p.ID), Label: p.TitleIn(lang).Text, Raw: true})
		if p.ID == id {
			filter.ProgrammeID = id
		}
	}
	form.Values.Set("programme", idString(filter.ProgrammeID))
	data.States = []web.Option{{Value: "", Label: "training.all_states"}}
	for _, s := range States {
		data.States = append(data.States, web.Option{Value: s, Label: "training.state." + s})
	}
	for _, name := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(name))
		form.Values.Set(name, v)
		if v == "" {
			continue
		}
		day, ok := calendar.ParseDay(v)
		if !ok {
			form.Fail(name, "training.date_invalid")
		} else if name == "from" {
			filter.From = day
		} else {
			filter.To = day
		}
	}
	list, next, total, err := CohortPage(ctx, h.DB, st.Scope(), filter, q.Get("after"), CohortPageSize)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data.Cohorts, data.Total = list, total
	keep := url.Values{}
	for _, k := range []string{"antenna", "programme", "state", "from", "to"} {
		if v := form.Values.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	if q.Get("after") != "" {
		data.First = "/cohorts?" + keep.Encode()
	}
	if next != "" {
		keep.Set("after", next)
		data.Next = "/cohorts?" + keep.Encode()
	}
	h.Render.Render(w, r, http.StatusOK, "training/cohorts.html", data, form)
}
