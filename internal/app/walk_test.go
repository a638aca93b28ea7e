package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/demo"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// Budgets of a staff page at national scale (a million files), as a browser gets
// it: p95 time to the whole page, and its size compressed.
const (
	pageBudget      = 100 * time.Millisecond
	pageBytesBudget = 30 << 10
)

// walkSkip lists the staff GET routes that are not pages nor files to measure,
// with why. Every other staff GET route of the table is walked.
var walkSkip = map[string]string{
	"GET /cohorts/{id}/cancel": "the walk's cohort is under way or over: its cancel page sends back to the cohort",
}

// walkQueryStrings are what a page needs after its path to show (a form's
// subject), with {param} filled as in the path.
var walkQueryStrings = map[string]string{
	"GET /learners/{id}/merge": "?other={other}",
	// The generated association's present is the end of June 2026 (its
	// appointments and meetings stop there): the calendars show that week.
	"GET /agenda":              "?week=2026-W27",
	"GET /agenda/places/{id}":  "?week=2026-W27",
	"GET /agenda/antenna/{id}": "?week=2026-W27",
	"GET /appointments/slots":  "?week=2026-W27",
	// The valuation of the last full year (the default is the year under way).
	"GET /volunteers/valuation":      "?year=2025",
	"GET /volunteers/valuation.csv":  "?year=2025",
	"GET /volunteers/valuation.xlsx": "?year=2025",
	"GET /volunteers/valuation.pdf":  "?year=2025",
	// The donations of the last full year.
	"GET /donations/declaration":  "?year=2025",
	"GET /donations/report":       "?year=2025",
	"GET /donations/report.csv":   "?year=2025",
	"GET /donations/report.xlsx":  "?year=2025",
	"GET /donations/report.pdf":   "?year=2025",
	"GET /donations/send":         "?year=2025",
	"GET /donations/receipts.zip": "?year=2025",
}

// walkViewers are the generated dataset's accounts (tremplin generate): the
// national admin and the manager of the first antenna.
var walkViewers = []struct {
	name, email string
	role        auth.Role
}{
	{"admin", "admin@generated.example", auth.Admin},
	{"manager", "manager0.a001@generated.example", auth.Manager},
}

// walkPassword is the generated accounts' password.
const walkPassword = "tremplin-demo"

// BenchmarkStaffRoutes walks every staff GET route of the route table on a
// generated database (TREMPLIN_BENCH_DATABASE: a SQLite path or a postgres://
// URL), as the national admin and as an antenna manager, filling each {param}
// with a record of the dataset that the viewer may see. Pages are requested
// TREMPLIN_WALK_N times (20 by default, fewer past 15 s) and reported with p50,
// p95 and gzip bytes against the budgets; files (.csv, .xlsx, .pdf) with the time
// to the first byte, the whole time and the server's peak heap growth.
// TREMPLIN_WALK_ONLY, a regular expression, keeps the routes whose pattern it
// matches (e.g. "/jobs|/profiles|/company" after a change to those pages).
//
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/app -run XXX -bench StaffRoutes -benchtime 1x -timeout 2h
func BenchmarkStaffRoutes(b *testing.B) {
	where := dbtest.GeneratedURL(b)
	n := 20
	fmt.Sscan(os.Getenv("TREMPLIN_WALK_N"), &n)
	only, err := regexp.Compile(os.Getenv("TREMPLIN_WALK_ONLY"))
	if err != nil {
		b.Fatalf("TREMPLIN_WALK_ONLY: %v", err)
	}
	ctx := context.Background()
	// The application's clock is the generated association's present (10:00 in
	// France that day): coming shifts, obligations due, pending hours are those
	// of the data, whenever the walk runs. No worker runs.
	present := demo.GeneratedNow().Add(8 * time.Hour)
	a, err := app.New(ctx, app.Config{DatabaseURL: where, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return present }})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	for b.Loop() {
		var over []string
		for _, v := range walkViewers {
			c := walkSignIn(b, srv.URL, v.email)
			ids := &walkIDs{d: a.DB, known: map[string]string{"admin": "0"}, now: present}
			if v.role == auth.Admin {
				ids.known["admin"] = "1"
			}
			if err := a.DB.QueryRowContext(context.Background(), `SELECT MIN(sa.antenna_id) FROM staff_antennas sa JOIN staff s ON s.id = sa.staff_id
				WHERE s.email = $1`, v.email).Scan(&ids.antenna); err != nil {
				// the admin has no antenna of their own: the first one
				if err := a.DB.QueryRowContext(context.Background(), "SELECT MIN(id) FROM antennas").Scan(&ids.antenna); err != nil {
					b.Fatal(err)
				}
			}
			fmt.Printf("\n%s (%s), %d requests a page\n", v.name, v.email, n)
			fmt.Printf("%-48s %9s %9s %9s  %s\n", "route", "p50 ms", "p95 ms", "gzip KB", "")
			for _, rt := range a.Routes() {
				method, pattern, _ := strings.Cut(rt.Pattern, " ")
				if method != "GET" || rt.Policy.IsPublic() || !slices.Contains([]string{"staff", "managers", "admins", "fundraisers", "donations office", "offers"}, rt.Policy.Name) ||
					!rt.Policy.Allows(&auth.Staff{Role: v.role, Active: true}) {
					continue
				}
				if !only.MatchString(rt.Pattern) {
					continue
				}
				if why, skip := walkSkip[rt.Pattern]; skip {
					fmt.Printf("%-48s skipped: %s\n", pattern, why)
					continue
				}
				path, err := ids.fill(pattern + walkQueryStrings[rt.Pattern])
				if errors.Is(err, errNoRow) {
					fmt.Printf("%-48s no such record in the dataset (%v)\n", pattern, err)
					continue
				}
				if err != nil {
					b.Fatalf("%s: %v", pattern, err)
				}
				if isFile(path) {
					m := walkFile(b, c, srv.URL+path)
					fmt.Printf("%-48s first byte %6.0f ms, whole %7.0f ms, %8.0f KB, heap +%.0f MB\n", path,
						ms(m.first), ms(m.total), float64(m.bytes)/1024, float64(m.heap)/(1<<20))
					continue
				}
				times, size := walkPage(b, c, srv.URL+path, n)
				p50, p95 := times[len(times)/2], times[(len(times)*95+99)/100-1]
				flag := ""
				if p95 > pageBudget {
					flag += fmt.Sprintf(" time ×%.1f", float64(p95)/float64(pageBudget))
				}
				if size > pageBytesBudget {
					flag += fmt.Sprintf(" size ×%.1f", float64(size)/pageBytesBudget)
				}
				if flag != "" {
					over = append(over, v.name+" "+path+flag)
					flag = "OVER" + flag
				}
				fmt.Printf("%-48s %9.1f %9.1f %9.1f  %s\n", path, ms(p50), ms(p95), float64(size)/1024, flag)
			}
		}
		// The open-data files, public, list every place and programme.
		fmt.Printf("\nvisitor: open-data files\n")
		for _, rt := range a.Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			if method == "GET" && rt.Policy.IsPublic() && strings.HasPrefix(pattern, "/opendata/") && isFile(pattern) && only.MatchString(rt.Pattern) {
				m := walkFile(b, http.DefaultClient, srv.URL+pattern)
				fmt.Printf("%-48s first byte %6.0f ms, whole %7.0f ms, %8.1f KB, heap +%.0f MB\n", pattern,
					ms(m.first), ms(m.total), float64(m.bytes)/1024, float64(m.heap)/(1<<20))
			}
		}
		fmt.Printf("\n%d pages over budget (p95 %v, %d KB):\n", len(over), pageBudget, pageBytesBudget>>10)
		for _, o := range over {
			fmt.Println("  " + o)
		}
	}
}

func isFile(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	for _, ext := range []string{".csv", ".xlsx", ".pdf", ".ics", ".json", ".zip"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// walkSignIn signs in through the form, as a browser does.
func walkSignIn(b *testing.B, base, email string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {walkPassword}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in as %s: %d (was the database made by tremplin generate?)", email, res.StatusCode)
	}
	return c
}

// get asks for path with gzip accepted, as a browser would (the transport then
// leaves the body compressed, so that what is read is what travelled).
func get(c *http.Client, u string) (*http.Response, error) {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	return c.Do(req)
}

// walkPage requests a page n times (fewer once 15 s are spent, 3 at least) and
// returns the sorted times and the compressed size.
func walkPage(b *testing.B, c *http.Client, u string, n int) ([]time.Duration, int) {
	var times []time.Duration
	var size int
	start := time.Now()
	for i := 0; i < n && (i < 3 || time.Since(start) < 15*time.Second); i++ {
		t := time.Now()
		res, err := get(c, u)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d %v\n%.500s", u, res.StatusCode, err, body)
		}
		times = append(times, time.Since(t))
		size = len(body)
	}
	slices.Sort(times)
	return times, size
}

type fileMeasure struct {
	first, total time.Duration
	bytes        int64
	heap         uint64
}

// walkFile downloads a file once, reading it as it comes, and samples the heap
// meanwhile: the server runs in this process, so the growth is its.
func walkFile(b *testing.B, c *http.Client, u string) fileMeasure {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	var m fileMeasure
	t := time.Now()
	res, err := get(c, u)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	for {
		k, err := res.Body.Read(buf)
		if k > 0 && m.bytes == 0 {
			m.first = time.Since(t)
		}
		m.bytes += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatalf("%s: %v", u, err)
		}
	}
	res.Body.Close()
	m.total = time.Since(t)
	close(done)
	if res.StatusCode != http.StatusOK {
		b.Fatalf("%s: %d", u, res.StatusCode)
	}
	if p := peak.Load(); p > base.HeapInuse {
		m.heap = p - base.HeapInuse
	}
	return m
}

var errNoRow = errors.New("no row")

// walkIDs finds, for each {param} of a pattern, a record of the viewer's antenna.
type walkIDs struct {
	d       *db.DB
	antenna int64
	known   map[string]string
	now     time.Time // the application's clock
}

// walkQueries give a record id for the path segment before a parameter (or the
// parameter's own name), or the parameter's value when it is not an id: $1 is
// the viewer's antenna; {name} is an id found before.
var walkQueries = map[string]string{
	"antennas": "SELECT CAST($1 AS BIGINT)",
	"antenna":  "SELECT CAST($1 AS BIGINT)", // /agenda/antenna/{id}
	"places":   "SELECT MIN(id) FROM places WHERE antenna_id = $1",
	"staff":    "SELECT MIN(staff_id) FROM staff_antennas WHERE antenna_id = $1",
	// The active volunteer who gave the most hours.
	"volunteers": `SELECT v.id FROM volunteers v WHERE v.antenna_id = $1 AND v.state = 'active'
		ORDER BY (SELECT COUNT(*) FROM volunteer_hours h WHERE h.volunteer_id = v.id) DESC, v.id LIMIT 1`,
	// A programme the viewer may edit: the association's for the admin, their
	// antenna's for a manager (the generated programmes are all national: the
	// manager's programme pages are then left out).
	"programmes": "SELECT MIN(id) FROM programmes WHERE COALESCE(antenna_id, 0) = CASE WHEN {admin} = 1 THEN 0 ELSE $1 END",
	"cohorts": `SELECT id FROM cohorts WHERE antenna_id = $1 AND state IN ('running', 'finished')
		ORDER BY CASE state WHEN 'running' THEN 0 ELSE 1 END, id LIMIT 1`,
	"meetings": "SELECT MIN(id) FROM meetings WHERE cohort_id = {cohorts} AND starts_at < '2026-06-01'",
	"learners": `SELECT l.id FROM learners l WHERE l.antenna_id = $1 AND l.merged_into IS NULL
		AND EXISTS (SELECT 1 FROM positioning_tests t WHERE t.learner_id = l.id) ORDER BY l.id LIMIT 1`,
	"other":     "SELECT MAX(id) FROM learners WHERE antenna_id = $1 AND merged_into IS NULL",
	"test":      "SELECT MIN(id) FROM positioning_tests WHERE learner_id = {learners}",
	"questions": "SELECT MIN(id) FROM positioning_questions",
	"partners":  "SELECT MIN(org_id) FROM partner_antennas WHERE antenna_id = $1",
	"contact":   "SELECT MIN(id) FROM partner_contacts WHERE org_id = {partners}",
	"imports":   "SELECT MIN(id) FROM import_batches WHERE antenna_id = $1",
	"referrals": "SELECT MIN(id) FROM referrals WHERE antenna_id = $1",
	// One still to come: a begun appointment's edit page sends back to the file.
	"appointments": `SELECT MIN(id) FROM appointments WHERE antenna_id = $1 AND state = 'booked'
		AND starts_at > '{now}'`,
	// The civic service: an approval covering the antenna, its offer with the
	// most applications, an accepted application without a contract when there
	// is one (the contract form needs it), a contract.
	"approvals": "SELECT MIN(approval_id) FROM civic_approval_antennas WHERE antenna_id = $1",
	"offers": `SELECT o.id FROM civic_offers o WHERE o.antenna_id = $1
		ORDER BY (SELECT COUNT(*) FROM civic_applications a WHERE a.offer_id = o.id) DESC, o.id LIMIT 1`,
	"applications": `SELECT a.id FROM civic_applications a WHERE a.antenna_id = $1
		ORDER BY CASE WHEN a.state = 'accepted' AND NOT EXISTS (SELECT 1 FROM civic_contracts c WHERE c.application_id = a.id) THEN 0 ELSE 1 END, a.id LIMIT 1`,
	// The latest contract (its indemnity has amounts); the mission with the
	// most shifts; the shift with the most people signed up (the ongoing one).
	"contracts": "SELECT id FROM civic_contracts WHERE antenna_id = $1 ORDER BY starts_on DESC, id LIMIT 1",
	"missions": `SELECT m.id FROM volunteer_missions m WHERE m.antenna_id = $1
		ORDER BY (SELECT COUNT(*) FROM volunteer_shifts s WHERE s.mission_id = m.id) DESC, m.id LIMIT 1`,
	// The donor of the antenna who gave the most.
	"donors": `SELECT o.id FROM donors o WHERE o.antenna_id = $1
		ORDER BY (SELECT COUNT(*) FROM gifts g WHERE g.donor_id = o.id) DESC, o.id LIMIT 1`,
	// The donor's latest receipt in force.
	"receipt": "SELECT MAX(id) FROM receipts WHERE donor_id = {donors} AND state = 'issued'",
	// The donor's agreement with the most sessions, and one of them.
	"agreement": `SELECT a.id FROM sponsorship_agreements a WHERE a.donor_id = {donors}
		ORDER BY (SELECT COUNT(*) FROM sponsorship_sessions s WHERE s.agreement_id = a.id) DESC, a.id LIMIT 1`,
	"session": "SELECT MIN(id) FROM sponsorship_sessions WHERE agreement_id = {agreement}",
	// A company of the antenna that has offers (the demo's Numérique Solidaire),
	// its latest offer, one of its contacts.
	"companies": `SELECT o.id FROM donors o WHERE o.antenna_id = $1 AND o.kind = 'organisation'
		ORDER BY (SELECT COUNT(*) FROM job_offers j WHERE j.donor_id = o.id) DESC, o.id LIMIT 1`,
	"jobs": `SELECT j.id FROM job_offers j JOIN donors o ON o.id = j.donor_id WHERE o.antenna_id = $1
		ORDER BY (SELECT COUNT(*) FROM job_applications a WHERE a.offer_id = j.id) DESC, j.id DESC LIMIT 1`,
	"recruiter": "SELECT MIN(id) FROM donor_contacts WHERE donor_id = {companies}",
	"app":       "SELECT MIN(id) FROM job_applications WHERE offer_id = {jobs}",
	"shifts": `SELECT s.id FROM volunteer_shifts s WHERE s.antenna_id = $1
		ORDER BY (SELECT COUNT(*) FROM volunteer_signups g WHERE g.shift_id = s.id) DESC, s.id LIMIT 1`,
	// A volunteer whose Compte d'engagement citoyen the viewer may confirm.
	"cec": "SELECT MIN(id) FROM volunteers WHERE antenna_id = $1",
	// Records that only changes name (their forms are on the pages above).
	"closures":    "SELECT MIN(id) FROM antenna_closures WHERE antenna_id = $1",
	"enrolments":  "SELECT MIN(e.id) FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id WHERE c.antenna_id = $1",
	"held":        "SELECT MIN(id) FROM registrations_held WHERE antenna_id = $1",
	"slots":       "SELECT MIN(id) FROM appointment_slots WHERE antenna_id = $1",
	"outreach":    "SELECT MIN(id) FROM partner_interactions WHERE org_id = {partners}",
	"people":      "SELECT MIN(p.id) FROM referral_people p JOIN referrals r ON r.id = p.referral_id WHERE r.antenna_id = $1",
	"hours":       "SELECT MIN(id) FROM volunteer_hours WHERE antenna_id = $1",
	"volunteer":   "SELECT MIN(id) FROM volunteers WHERE antenna_id = $1",
	"gift":        "SELECT MIN(id) FROM gifts WHERE donor_id = {donors}",
	"device":      "SELECT MIN(id) FROM donated_devices WHERE antenna_id = $1",
	"obligations": "SELECT MIN(o.id) FROM civic_obligations o JOIN civic_contracts c ON c.id = o.contract_id WHERE c.antenna_id = $1",
	// Not an id: a message's key (/messages/templates/{key}), the booking SMS,
	// the one every antenna sends most.
	"key": "SELECT 'appointment.sms_booked'",
}

func (w *walkIDs) fill(pattern string) (string, error) {
	pattern, query, _ := strings.Cut(pattern, "?")
	if query != "" {
		query = "?" + query
		for k := range walkQueries {
			if strings.Contains(query, "{"+k+"}") {
				v, err := w.id(k)
				if err != nil {
					return "", err
				}
				query = strings.ReplaceAll(query, "{"+k+"}", v)
			}
		}
	}
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		name, ok := strings.CutPrefix(s, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		kind := name
		if name == "id" {
			kind = segs[i-1]
		}
		id, err := w.id(kind)
		if err != nil {
			return "", err
		}
		segs[i] = id
	}
	return strings.Join(segs, "/") + query, nil
}

func (w *walkIDs) id(kind string) (string, error) {
	if v, ok := w.known[kind]; ok {
		return v, nil
	}
	q, ok := walkQueries[kind]
	if !ok {
		return "", fmt.Errorf("no query for a {%s} parameter: add one to walkQueries", kind)
	}
	for k := range walkQueries {
		if strings.Contains(q, "{"+k+"}") {
			v, err := w.id(k)
			if err != nil {
				return "", err
			}
			q = strings.ReplaceAll(q, "{"+k+"}", v)
		}
	}
	q = strings.ReplaceAll(q, "{admin}", w.known["admin"])
	q = strings.ReplaceAll(q, "{now}", db.FormatTime(w.now))
	var args []any
	if strings.Contains(q, "$1") {
		args = append(args, w.antenna)
	}
	var id sql.NullString
	err := w.d.QueryRowContext(context.Background(), q, args...).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%s: %w", kind, err)
	}
	if !id.Valid {
		return "", fmt.Errorf("%s: %w", kind, errNoRow)
	}
	w.known[kind] = id.String
	return w.known[kind], nil
}
