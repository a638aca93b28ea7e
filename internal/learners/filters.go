package learners

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// SearchLimit is how many files one page of the learners list shows.
const SearchLimit = 50

// searchPool is how many files a name or phone search brings back before the
// list's filters narrow them.
const searchPool = 500

// ListFilter is what the learners list (and its exports) filter on; zero values
// mean "any". The filters combine.
type ListFilter struct {
	Q           string // names or phone, as the search reads them
	AntennaID   int64
	Status      string
	ProgrammeID int64   // wished, or followed in one of its cohorts
	CohortID    int64   // enrolled, offered a seat or waitlisted
	Assignee    string  // AssigneeMe, AssigneeNone, a staff id; "" for anyone
	Situation   string  // one of SituationCodes
	From, To    string  // registration days, YYYY-MM-DD, both included
	IDs         []int64 // only these people (those ticked for a bulk export)
	Ticked      bool    // people were to be ticked: none ticked is nobody, not everyone
	After       Cursor

	cohortPeople []int64 // the cohort's people, read by Filtered
}

// filterParams are the URL parameters of the filters, in the order links carry them.
var filterParams = []string{"q", "antenna", "status", "programme", "cohort", "who", "situation", "from", "to"}

// ParseListFilter reads the filters from a URL's query. Unknown codes are
// ignored; a date that cannot be read is named in bad (field → catalog key) and
// left out of the filter.
func ParseListFilter(q url.Values) (f ListFilter, bad map[string]string) {
	bad = map[string]string{}
	f.Q = strings.TrimSpace(q.Get("q"))
	f.AntennaID, _ = strconv.ParseInt(q.Get("antenna"), 10, 64)
	if s := q.Get("status"); slices.Contains(Statuses, s) {
		f.Status = s
	}
	f.ProgrammeID, _ = strconv.ParseInt(q.Get("programme"), 10, 64)
	f.CohortID, _ = strconv.ParseInt(q.Get("cohort"), 10, 64)
	switch who := q.Get("who"); who {
	case AssigneeMe, AssigneeNone:
		f.Assignee = who
	default:
		if id, _ := strconv.ParseInt(who, 10, 64); id > 0 {
			f.Assignee = who
		}
	}
	if s := q.Get("situation"); slices.Contains(SituationCodes, s) {
		f.Situation = s
	}
	for name, dst := range map[string]*string{"from": &f.From, "to": &f.To} {
		v := strings.TrimSpace(check.ASCIIDigits(q.Get(name)))
		if v == "" {
			continue
		}
		if d, err := time.Parse(time.DateOnly, v); err != nil || d.Year() < 2000 || d.Year() > 2100 {
			bad[name] = "learner.date_invalid"
			continue
		}
		*dst = v
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		bad["to"] = "learner.period_reversed"
		f.To = ""
	}
	for _, v := range q["ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !slices.Contains(f.IDs, id) {
			f.IDs = append(f.IDs, id)
		}
	}
	f.Ticked = len(f.IDs) > 0 || q.Get("ticked") != ""
	f.After = ParseCursor(q.Get("after"))
	return f, bad
}

// OnlyAntennaAndStatus reports whether the filter narrows by nothing but an
// antenna and a status (and no search): what a streamed export reads alone.
func (f ListFilter) OnlyAntennaAndStatus() bool {
	return f.Q == "" && f.ProgrammeID == 0 && f.CohortID == 0 && f.Assignee == "" && f.Situation == "" &&
		f.From == "" && f.To == "" && !f.Ticked
}

// Query is the filter as URL parameters (without the page), for links.
func (f ListFilter) Query() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	set("q", f.Q)
	set("antenna", id(f.AntennaID))
	set("status", f.Status)
	set("programme", id(f.ProgrammeID))
	set("cohort", id(f.CohortID))
	set("who", f.Assignee)
	set("situation", f.Situation)
	set("from", f.From)
	set("to", f.To)
	return v
}

// periodLocation is the clock registration days are read on: the antenna
// filtered on, else the one most of the person's antennas keep.
func periodLocation(antennas []*org.Antenna, antennaID int64) *time.Location {
	count := map[string]int{}
	best := ""
	for _, a := range antennas {
		if a.ID == antennaID {
			return training.Location(a.Timezone)
		}
		count[a.Timezone]++
		if count[a.Timezone] > count[best] {
			best = a.Timezone
		}
	}
	return training.Location(best)
}

// conds adds the filter's conditions (but the search text and the antenna) to w;
// staffID is "me".
func (f ListFilter) conds(w *walker, staffID int64, loc *time.Location) {
	w.conds = append(w.conds, "l.merged_into IS NULL")
	if f.Status != "" {
		w.where("l.status = %s", f.Status)
	}
	if f.ProgrammeID != 0 {
		// Reads training's tables, as the exports do: nothing is written there.
		// Checked for each file along the walk (a programme is followed by one file
		// in a few): a list of every file of a programme would be read whole first.
		w.where(`(l.wished_programme_id = %s OR EXISTS (SELECT 1 FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
			WHERE e.learner_id = l.id AND c.programme_id = %s AND e.state <> 'withdrawn'))`, f.ProgrammeID, f.ProgrammeID)
	}
	if f.CohortID != 0 {
		// A cohort's few people, read first (cohortPeople), then looked up by id.
		if len(f.cohortPeople) == 0 {
			w.conds = append(w.conds, "1 = 0")
		} else {
			w.conds = append(w.conds, "l.id IN ("+inlineIDs(f.cohortPeople)+")")
		}
	}
	w.assignee(f.Assignee, staffID)
	if f.Situation != "" {
		w.where("(',' || l.situations || ',') LIKE %s", "%,"+f.Situation+",%")
	}
	if f.From != "" {
		d, _ := time.ParseInLocation(time.DateOnly, f.From, loc)
		w.where("l.created_at >= %s", db.FormatTime(d))
	}
	if f.To != "" {
		d, _ := time.ParseInLocation(time.DateOnly, f.To, loc)
		w.where("l.created_at < %s", db.FormatTime(d.AddDate(0, 0, 1)))
	}
	switch {
	case len(f.IDs) > 0:
		w.conds = append(w.conds, "l.id IN ("+inlineIDs(f.IDs)+")")
	case f.Ticked:
		w.conds = append(w.conds, "1 = 0")
	}
}

// inlineIDs writes ids (ours, integers) into a query rather than as thousands of
// placeholders.
func inlineIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// countriesOf lists the countries of antennas, to read national phone numbers.
func countriesOf(antennas []*org.Antenna) []string {
	var out []string
	for _, a := range antennas {
		if !slices.Contains(out, a.Country) {
			out = append(out, a.Country)
		}
	}
	return out
}

// Filtered lists the files in scope matching f, at most limit. Without a search
// text it is a page of the list, newest first, walked on indexes; next is where
// the following page starts (zero on the last). With one, the search's matches
// (at most pool) are narrowed by the other filters, in the search's order, on
// one page. antennas are the scope's.
func Filtered(ctx context.Context, d *db.DB, sc auth.Scope, antennas []*org.Antenna, f ListFilter, limit, pool int) (list []*Learner, next Cursor, err error) {
	if f.AntennaID != 0 && !slices.ContainsFunc(antennas, func(a *org.Antenna) bool { return a.ID == f.AntennaID }) {
		return nil, Cursor{}, nil
	}
	loc := periodLocation(antennas, f.AntennaID)
	if f.CohortID != 0 {
		// Reads training's table, as the exports do: nothing is written there.
		if f.cohortPeople, err = db.Collect[int64](d.QueryContext(ctx, `SELECT learner_id FROM enrolments
			WHERE cohort_id = $1 AND state <> 'withdrawn'`, f.CohortID))(db.ScanInt64); err != nil {
			return nil, Cursor{}, err
		}
	}
	if f.Q != "" {
		found, err := Search(ctx, d, sc, countriesOf(antennas), f.Q, pool)
		if err != nil || len(found) == 0 {
			return nil, Cursor{}, err
		}
		keep := map[int64]bool{}
		for start := 0; start < len(found); start += 1000 {
			chunk := found[start:min(start+1000, len(found))]
			ids := make([]int64, len(chunk))
			for i, l := range chunk {
				ids[i] = l.ID
			}
			w := &walker{}
			f.conds(w, sc.StaffID, loc)
			w.conds = append(w.conds, "l.id IN ("+inlineIDs(ids)+")")
			if f.AntennaID != 0 {
				w.where("l.antenna_id = %s", f.AntennaID)
			}
			kept, err := db.Collect[int64](d.QueryContext(ctx, "SELECT l.id FROM learners l WHERE "+strings.Join(w.conds, " AND "), w.args...))(db.ScanInt64)
			if err != nil {
				return nil, Cursor{}, err
			}
			for _, id := range kept {
				keep[id] = true
			}
		}
		for _, l := range found {
			if keep[l.ID] && len(list) < limit {
				list = append(list, l)
			}
		}
		return list, Cursor{}, nil
	}
	ids, all, err := scopeAntennas(ctx, d, sc)
	if err != nil {
		return nil, Cursor{}, err
	}
	if f.AntennaID != 0 {
		ids, all = []int64{f.AntennaID}, false
	}
	w := &walker{}
	f.conds(w, sc.StaffID, loc)
	w.after(f.After, true)
	return walkPage(ctx, d, w, ids, all, true, limit, "", scanOne)
}

// cohortOptions lists the cohorts one may filter on: those of the antenna
// chosen (or the person's only antenna) not finished nor cancelled, with the one
// already chosen. None across several antennas, where the list would be long.
func (h *Handlers) cohortOptions(ctx context.Context, sc auth.Scope, antennaID, chosen int64) []web.Option {
	if antennaID == 0 {
		return nil
	}
	list, err := training.Cohorts(ctx, h.DB, sc, training.CohortFilter{AntennaID: antennaID})
	if err != nil {
		h.Log.WarnContext(ctx, "learners list: cohorts unavailable", "err", err)
		return nil
	}
	opts := []web.Option{{Value: "", Label: "learner.filter_any_cohort"}}
	for _, c := range list {
		if c.ID != chosen && (c.State == "finished" || c.State == "cancelled") {
			continue
		}
		label := c.ProgrammeTitle + " — " + c.StartsOn.Format("02/01/2006")
		opts = append(opts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: label, Raw: true})
	}
	return opts
}

// List is the learners list: a search by name or phone and filters (antenna,
// status, programme, cohort, adviser, situation, registration period), in the
// person's antennas, newest first, a page at a time. People can be ticked for a
// bulk action.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, bad := ParseListFilter(r.URL.Query())
	f.IDs, f.Ticked = nil, false
	if len(antennas) == 1 {
		f.AntennaID = antennas[0].ID
	}
	antennaID := f.AntennaID
	people, err := h.assigneeChoices(ctx, st, antennaID, len(antennas))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	who := []web.Option{{Value: "", Label: "assign.filter_anyone"}, {Value: AssigneeMe, Label: "assign.filter_me"}, {Value: AssigneeNone, Label: "assign.filter_none"}}
	for _, s := range people {
		if s.ID != st.ID {
			who = append(who, web.Option{Value: strconv.FormatInt(s.ID, 10), Label: s.Name, Raw: true})
		}
	}
	if !slices.ContainsFunc(who, func(o web.Option) bool { return o.Value == f.Assignee }) {
		f.Assignee = ""
	}
	list, next, err := Filtered(ctx, h.DB, st.Scope(), antennas, f, SearchLimit, searchPool)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	values := f.Query()
	form := web.NewForm(url.Values{})
	for k, v := range values {
		form.Values[k] = v
	}
	for k, v := range r.URL.Query() {
		if _, ok := bad[k]; ok {
			form.Values[k] = v // what was typed, shown with its message
		}
	}
	for k, key := range bad {
		form.Fail(k, key)
	}
	if len(antennas) == 1 {
		form.Values.Del("antenna")
	}
	nextURL, firstURL := "", ""
	if next.ID != 0 {
		nq := f.Query()
		if len(antennas) == 1 {
			nq.Del("antenna")
		}
		nq.Set("after", next.String())
		nextURL = "/learners?" + nq.Encode()
	}
	if f.After.ID != 0 {
		firstURL = "/learners?" + form.Values.Encode()
	}
	programmes := []web.Option{{Value: "", Label: "learner.filter_any_programme"}}
	if progs, err := training.Programmes(ctx, h.DB); err == nil {
		for _, p := range progs {
			programmes = append(programmes, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title, Raw: true})
		}
	}
	filtered := false
	for _, k := range filterParams[1:] {
		if form.Values.Get(k) != "" {
			filtered = true
		}
	}
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.Render.Render(w, r, status, "learners/list.html", struct {
		Query      string
		Filtered   bool
		Learners   []*Learner
		Limit      int
		Antennas   []web.Option
		Statuses   []web.Option
		Programmes []web.Option
		Cohorts    []web.Option
		Who        []web.Option
		Situations []web.Option
		Assign     []web.Option
		Export     string
		Next       string
		First      string
		Back       string
	}{f.Q, filtered, list, SearchLimit, antennaOptions(antennas), web.CodeOptions("learner.status.", Statuses, "learner.filter_any_status"),
		programmes, h.cohortOptions(ctx, st.Scope(), antennaID, f.CohortID), who,
		web.CodeOptions("learner.situation.", SituationCodes, "learner.filter_any_situation"), bulkOptions(people, st.ID),
		form.Values.Encode(), nextURL, firstURL, r.URL.RequestURI()}, form)
}
