package exports

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// maxLearners caps the matches of a search in a learners export (a search's
// matches are read at once, in name order; the other lists are read a page at a
// time, without a cap).
const maxLearners = 100000

// seeSituations reports whether st may see people's situations (RSA, asylum…):
// every staff member of the person's antenna may; partner contacts never reach
// these routes. The scope already limits rows to st's antennas.
func seeSituations(st *auth.Staff) bool { return st != nil }

// LearnerFilter is what the learners list page filters on (the learners package's
// filters, read from the same URL parameters, and the people ticked: ?ids=).
type LearnerFilter = learners.ListFilter

func learnerFilter(r *http.Request) LearnerFilter {
	f, _ := learners.ParseListFilter(r.URL.Query())
	f.After = learners.Cursor{} // the whole list, not the page shown
	return f
}

// LearnersTable lists the files in st's antennas matching f, with the learners
// package's own search (so the export holds what the list page shows), in the words
// of language p.
func LearnersTable(ctx context.Context, d *db.DB, st *auth.Staff, f LearnerFilter, p i18n.Printer) (*Table, error) {
	antennas, err := org.Antennas(ctx, d, st.Scope())
	if err != nil {
		return nil, err
	}
	programmes, err := training.Programmes(ctx, d)
	if err != nil {
		return nil, err
	}
	titles := map[int64]string{}
	for _, pr := range programmes {
		titles[pr.ID] = pr.Title
	}
	situations := seeSituations(st)
	t := &Table{Sheet: p.T("exports.sheet.learners"),
		Headers: []string{p.T("exports.col.id"), p.T("exports.col.last_name"), p.T("exports.col.first_name"), p.T("exports.col.phone"),
			p.T("exports.col.antenna"), p.T("exports.col.status"), p.T("exports.col.registered"), p.T("exports.col.programme_wished")},
		Widths: []float64{8, 20, 18, 20, 22, 22, 14, 34},
	}
	if situations {
		t.Headers = append(t.Headers, p.T("exports.col.situations"), p.T("exports.col.gender"))
		t.Widths = append(t.Widths, 26, 12)
	}
	row := func(l *learners.Learner) []any {
		registered := l.CreatedAt.In(training.Location(l.AntennaTZ))
		row := []any{l.ID, l.LastName, l.FirstName, l.PhoneDisplay(), l.AntennaName, p.T("learner.status." + l.Status),
			Date{Time: registered}, titles[l.WishedProgramme]}
		if situations {
			gender := ""
			if l.Gender != "" {
				gender = p.T("learner.gender." + l.Gender)
			}
			row = append(row, strings.Join(l.Situations, ","), gender)
		}
		return row
	}
	switch {
	case f.Q == "" && f.OnlyAntennaAndStatus():
		// Every file in scope, in file-number order.
		t.Each = func(emit func([]any) error) error {
			return learners.EachFile(ctx, d, st.Scope(), f.AntennaID, f.Status, func(l *learners.Learner) error { return emit(row(l)) })
		}
	case f.Q == "":
		// The list's other filters: the list's pages, newest first, one after the other.
		t.Each = func(emit func([]any) error) error {
			return eachFilteredPage(ctx, d, st.Scope(), antennas, f, func(l *learners.Learner) error { return emit(row(l)) })
		}
	default:
		// A search: its matches, in its order, narrowed by the filters.
		t.Each = func(emit func([]any) error) error {
			list, _, err := learners.Filtered(ctx, d, st.Scope(), antennas, f, maxLearners, maxLearners)
			for _, l := range list {
				if err := emit(row(l)); err != nil {
					return err
				}
			}
			return err
		}
	}
	return t, nil
}

// learnerPages are how many files a filtered export reads per page: few on the
// first, for the first bytes to leave at once, then more and more, because
// PostgreSQL, misjudging how many files a filter keeps (a situation matches a
// third of them, it guesses far fewer), reads a large part of the table for any
// page past a couple of hundred files, whatever its size. A variable, for tests
// to cross pages on a few files.
var learnerPages = pageSizes{100, 16000}

// pageSizes are the size of a list's first page and the most its pages grow to.
type pageSizes struct{ first, most int }

// eachFilteredPage calls fn for every file in scope matching f (without a search),
// newest first, reading the list's pages one after the other from their cursor.
func eachFilteredPage(ctx context.Context, d *db.DB, sc auth.Scope, antennas []*org.Antenna, f LearnerFilter, fn func(*learners.Learner) error) error {
	f.After = learners.Cursor{}
	for size := learnerPages.first; ; size = min(2*size, learnerPages.most) {
		list, next, err := learners.Filtered(ctx, d, sc, antennas, f, size, size)
		if err != nil {
			return err
		}
		for _, l := range list {
			if err := fn(l); err != nil {
				return err
			}
		}
		if next.ID == 0 {
			return nil
		}
		f.After = next
	}
}

func cohortFilter(r *http.Request) training.CohortFilter {
	q := r.URL.Query()
	f := training.CohortFilter{State: q.Get("state")}
	f.AntennaID, _ = strconv.ParseInt(q.Get("antenna"), 10, 64)
	if !slices.Contains(training.States, f.State) {
		f.State = ""
	}
	return f
}

// cohortPages are how many cohorts CohortsTable reads per page, with their
// seats and meetings: few on the first, for the first bytes to leave at once,
// then more, for fewer queries to plan (a variable, for tests to cross pages on
// a few cohorts).
var cohortPages = pageSizes{100, 1000}

// CohortsTable lists the cohorts in st's antennas matching f, as /cohorts does,
// with seats by enrolment state and the hours planned. Cohorts are read a page
// at a time as the file is written, each page's figures in two grouped queries.
func CohortsTable(ctx context.Context, d *db.DB, st *auth.Staff, f training.CohortFilter, p i18n.Printer) (*Table, error) {
	t := &Table{Sheet: p.T("exports.sheet.cohorts"),
		Headers: []string{p.T("exports.col.id"), p.T("exports.col.programme"), p.T("exports.col.antenna"), p.T("exports.col.place"),
			p.T("exports.col.starts"), p.T("exports.col.ends"), p.T("exports.col.state"), p.T("exports.col.capacity"),
			p.T("exports.col.enrolled"), p.T("exports.col.offered"), p.T("exports.col.waitlisted"), p.T("exports.col.hours")},
		Widths: []float64{8, 34, 22, 28, 12, 12, 20, 10, 10, 12, 12, 12},
	}
	t.Each = func(emit func([]any) error) error {
		return eachCohortPage(ctx, d, st.Scope(), f, func(list []*training.Cohort) error {
			offered, hours, err := cohortFigures(ctx, d, list)
			if err != nil {
				return err
			}
			for _, c := range list {
				// Taken counts the enrolled and those offered a seat.
				if err := emit([]any{c.ID, c.ProgrammeTitle, c.AntennaName, c.PlaceName, Date{Time: c.StartsOn}, Date{Time: c.EndsOn},
					p.T("training.state." + c.State), c.Capacity, c.Taken - offered[c.ID], offered[c.ID], c.Waiting,
					Hours(hours[c.ID])}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return t, nil
}

// eachCohortPage calls fn with each page of the cohorts in scope matching f, the
// most recent first.
func eachCohortPage(ctx context.Context, d *db.DB, sc auth.Scope, f training.CohortFilter, fn func([]*training.Cohort) error) error {
	after := ""
	for size := cohortPages.first; ; size = min(2*size, cohortPages.most) {
		list, next, err := training.CohortsAfter(ctx, d, sc, f, after, size)
		if err != nil {
			return err
		}
		if err := fn(list); err != nil || next == "" {
			return err
		}
		after = next
	}
}

// cohortFigures counts the people offered a seat in each of cohorts (the list
// brings the seats taken and the waiting list), and sums their meetings' hours,
// in grouped queries on training's tables (read only, as reports may). The ids
// are ours, written inline.
func cohortFigures(ctx context.Context, d *db.DB, cohorts []*training.Cohort) (offered map[int64]int, hours map[int64]float64, err error) {
	if len(cohorts) == 0 {
		return nil, nil, nil
	}
	ids := make([]string, len(cohorts))
	for i, c := range cohorts {
		ids[i] = strconv.FormatInt(c.ID, 10)
	}
	in := "(" + strings.Join(ids, ", ") + ")"
	if offered, err = offeredCounts(ctx, d, in); err != nil {
		return nil, nil, err
	}
	hours, err = meetingHours(ctx, d, in)
	return offered, hours, err
}

// offeredCounts counts the people offered a seat in the cohorts in (a list of
// ids): a few rows, read from the index on (cohort, state) alone where the
// enrolments of every state would be read from the table.
func offeredCounts(ctx context.Context, d *db.DB, in string) (map[int64]int, error) {
	counts := map[int64]int{}
	err := db.Each(d.QueryContext(ctx, "SELECT cohort_id, COUNT(*) FROM enrolments WHERE cohort_id IN "+in+
		" AND state = 'offered' GROUP BY cohort_id"))(func(row db.Scanner) error {
		var id int64
		var n int
		if err := row.Scan(&id, &n); err != nil {
			return err
		}
		counts[id] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// meetingSeconds is a meeting's length in seconds, in SQL both engines read
// alike: timestamps are text there, written by db.FormatTime in one form
// ("2006-01-02T15:04:05Z", in UTC), so the length is the difference of the
// times of day, and a day more when the meeting ends on the next day.
const meetingSeconds = `(CAST(substr(ends_at, 12, 2) AS INTEGER) - CAST(substr(starts_at, 12, 2) AS INTEGER)) * 3600
	+ (CAST(substr(ends_at, 15, 2) AS INTEGER) - CAST(substr(starts_at, 15, 2) AS INTEGER)) * 60
	+ CAST(substr(ends_at, 18, 2) AS INTEGER) - CAST(substr(starts_at, 18, 2) AS INTEGER)
	+ CASE WHEN substr(ends_at, 1, 10) = substr(starts_at, 1, 10) THEN 0 ELSE 86400 END`

// meetingHours sums the hours of the meetings that stand (not cancelled, as the
// cohort page counts them) of the cohorts in (a list of ids), in the database: a
// row per cohort rather than one per meeting.
func meetingHours(ctx context.Context, d *db.DB, in string) (map[int64]float64, error) {
	hours := map[int64]float64{}
	err := db.Each(d.QueryContext(ctx, "SELECT cohort_id, SUM("+meetingSeconds+") FROM meetings WHERE cohort_id IN "+in+
		" AND cancelled_at = '' GROUP BY cohort_id"))(func(row db.Scanner) error {
		var id, seconds int64
		if err := row.Scan(&id, &seconds); err != nil {
			return err
		}
		hours[id] = float64(seconds) / 3600
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hours, nil
}

// LearnersCSV sends the learners list as CSV: ';' and a byte-order mark for a
// French Excel, or ',' with ?sep=comma. The query is the list page's.
func (h *Handlers) LearnersCSV(w http.ResponseWriter, r *http.Request) { h.learners(w, r, "csv") }

// LearnersXLSX sends the learners list as an Excel workbook.
func (h *Handlers) LearnersXLSX(w http.ResponseWriter, r *http.Request) { h.learners(w, r, "xlsx") }

// CohortsCSV sends the cohorts list (filters antenna and state of /cohorts) as CSV.
func (h *Handlers) CohortsCSV(w http.ResponseWriter, r *http.Request) { h.cohorts(w, r, "csv") }

// CohortsXLSX sends the cohorts list as an Excel workbook.
func (h *Handlers) CohortsXLSX(w http.ResponseWriter, r *http.Request) { h.cohorts(w, r, "xlsx") }

func (h *Handlers) learners(w http.ResponseWriter, r *http.Request, format string) {
	ctx := r.Context()
	t, err := LearnersTable(ctx, h.DB, auth.Current(ctx), learnerFilter(r), i18n.FromContext(ctx))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.sendTable(w, r, t, "apprenants", format)
}

func (h *Handlers) cohorts(w http.ResponseWriter, r *http.Request, format string) {
	ctx := r.Context()
	t, err := CohortsTable(ctx, h.DB, auth.Current(ctx), cohortFilter(r), i18n.FromContext(ctx))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.sendTable(w, r, t, "sessions", format)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendTable writes the table as it is read. The first rows are held until 64 KB,
// so that a query failing at once still gets the error page; past that, a failure
// cuts the connection, so that a browser reports a failed download rather than
// keeping a file that looks complete.
func (h *Handlers) sendTable(w http.ResponseWriter, r *http.Request, t *Table, name, format string) {
	ct, ext := "text/csv; charset=utf-8", "csv"
	if format == "xlsx" {
		ct, ext = xlsxType, "xlsx"
	}
	// A national list takes longer than the server's usual write deadline.
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(15 * time.Minute))
	out := &lazyWriter{w: w, flush: rc.Flush, start: func() {
		hd := w.Header()
		hd.Set("Content-Type", ct)
		hd.Set("Content-Disposition", `attachment; filename="`+name+"-"+today()+"."+ext+`"`)
		hd.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	buf := bufio.NewWriterSize(out, 64<<10)
	var n int
	var err error
	if format == "xlsx" {
		n, err = t.WriteXLSX(buf)
	} else {
		sep := ';'
		if r.URL.Query().Get("sep") == "comma" {
			sep = ','
		}
		n, err = t.WriteCSV(buf, sep)
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		if !out.started {
			h.Render.Fail(w, r, err)
			return
		}
		h.Log.Error("export cut short", "what", name, "rows", n, "err", err, "request_id", web.RequestID(r.Context()))
		LogExport(h.Log, r, name, format, n)
		panic(http.ErrAbortHandler)
	}
	LogExport(h.Log, r, name, format, n)
}

// lazyWriter sends the response's header at the first write, and flushes that
// first write: the browser starts the download at once rather than when the
// server's and the compressor's buffers fill.
type lazyWriter struct {
	w       io.Writer
	start   func()
	flush   func() error
	started bool
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	if l.started {
		return l.w.Write(b)
	}
	l.started = true
	l.start()
	n, err := l.w.Write(b)
	if err == nil && l.flush != nil {
		err = l.flush()
	}
	return n, err
}
