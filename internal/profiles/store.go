package profiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"tremplin/internal/communes"
	"tremplin/internal/platform/db"
	"tremplin/internal/positioning"
)

// Choices are the fields the person chose to show, and their availability.
type Choices struct {
	ShowSkills, ShowCourses, ShowCertificates, ShowLanguages, ShowAvailability, ShowTown bool
	CV                                                                                   string // "", upload, generated
	AvailableFrom                                                                        string // YYYY-MM-DD, "" for now
}

// DefaultChoices show everything the profile may show, without a CV.
var DefaultChoices = Choices{ShowSkills: true, ShowCourses: true, ShowCertificates: true, ShowLanguages: true, ShowAvailability: true, ShowTown: true}

// Profile is the stored profile of a learner: consents in force, choices and
// the summary kept from the file.
type Profile struct {
	LearnerID, AntennaID int64
	Shown, Contact       bool
	Choices
	FirstName, LastInitial string
	Town, Postcode         string
	Departement            string
	Languages              []string
	Availabilities         []string
	Lang                   string
	HoursTotal             int
	Certified              bool
	Skills                 []Skill  // by framework order
	Courses                []Course // most hours first
	HasCV                  bool     // a CV was uploaded
}

// Skill is an estimated Pix level (0–8) in a competence.
type Skill struct {
	Competence string
	Level      int
}

// Course is a programme followed, with the hours attended.
type Course struct {
	ProgrammeID int64
	Title       string
	Hours       int
	Certificate bool // certified at its end
}

// SkillColumn is the column of recruiter_profiles holding the level of a
// competence ("3.4" → sk_3_4); the code must be valid (positioning.ValidCompetence).
func SkillColumn(code string) string { return "sk_" + strings.ReplaceAll(code, ".", "_") }

// skillColumns lists the 16 skill columns in framework order.
func skillColumns() string {
	var cols []string
	for _, c := range positioning.Competences() {
		cols = append(cols, SkillColumn(c))
	}
	return strings.Join(cols, ", ")
}

// PixLevel estimates the Pix level (0–8) of a competence from its positioning
// percent: Pix's eight levels cut the scale in equal steps.
func PixLevel(percent int) int { return max(0, min(8, percent*8/100)) }

// Departement is the département of a French postcode ("59000" → "59",
// "97411" → "974", Corsica "20000" → "2A", "20200" → "2B"); "" for another.
func Departement(postcode string) string {
	if len(postcode) != 5 || strings.Trim(postcode, "0123456789") != "" {
		return ""
	}
	switch postcode[:2] {
	case "97", "98":
		return postcode[:3]
	case "20":
		if postcode < "20200" {
			return "2A"
		}
		return "2B"
	}
	return postcode[:2]
}

// DepartementOfINSEE is the département of a commune's INSEE code ("59350" →
// "59", "2A004" → "2A", "97411" → "974").
func DepartementOfINSEE(code string) string {
	if len(code) != 5 {
		return ""
	}
	if strings.HasPrefix(code, "97") || strings.HasPrefix(code, "98") {
		return code[:3]
	}
	return code[:2]
}

const profileColumns = `p.learner_id, p.antenna_id, p.shown, p.contact, p.show_skills, p.show_courses, p.show_certificates, p.show_languages,
	p.show_availability, p.show_town, p.cv, p.available_from, p.first_name, p.last_initial, p.town, p.postcode, p.departement,
	p.languages, p.availabilities, p.lang, p.hours_total, p.certified`

func scanProfile(s db.Scanner) (*Profile, error) {
	p := &Profile{}
	var langs, avail string
	err := s.Scan(&p.LearnerID, &p.AntennaID, &p.Shown, &p.Contact, &p.ShowSkills, &p.ShowCourses, &p.ShowCertificates,
		&p.ShowLanguages, &p.ShowAvailability, &p.ShowTown, &p.CV, &p.AvailableFrom, &p.FirstName, &p.LastInitial, &p.Town,
		&p.Postcode, &p.Departement, &langs, &avail, &p.Lang, &p.HoursTotal, &p.Certified)
	p.Languages, p.Availabilities = split(langs), split(avail)
	return p, err
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Load reads learnerID's profile with its skills and courses; db.ErrNotFound
// when none was ever set up.
func Load(ctx context.Context, q db.Execer, learnerID int64) (*Profile, error) {
	p, err := scanProfile(q.QueryRowContext(ctx, "SELECT "+profileColumns+" FROM recruiter_profiles p WHERE p.learner_id = $1", learnerID))
	if err != nil {
		return nil, db.NotFound(err)
	}
	levels := make([]int, len(positioning.Competences()))
	ptrs := make([]any, len(levels))
	for i := range levels {
		ptrs[i] = &levels[i]
	}
	if err := q.QueryRowContext(ctx, "SELECT "+skillColumns()+" FROM recruiter_profiles WHERE learner_id = $1", learnerID).Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, c := range positioning.Competences() {
		p.Skills = append(p.Skills, Skill{Competence: c, Level: levels[i]})
	}
	if p.Courses, err = db.Collect[Course](q.QueryContext(ctx, `SELECT c.programme_id, pr.title, c.hours, c.certificate FROM recruiter_profile_courses c
		JOIN programmes pr ON pr.id = c.programme_id WHERE c.learner_id = $1 ORDER BY c.hours DESC, pr.title`, learnerID))(
		func(s db.Scanner) (Course, error) {
			var c Course
			return c, s.Scan(&c.ProgrammeID, &c.Title, &c.Hours, &c.Certificate)
		}); err != nil {
		return nil, err
	}
	var one int
	err = q.QueryRowContext(ctx, "SELECT 1 FROM recruiter_cvs WHERE learner_id = $1", learnerID).Scan(&one)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	p.HasCV = err == nil
	return p, nil
}

// ensure creates learnerID's profile row (hidden, default choices) if missing.
func ensure(ctx context.Context, tx db.Execer, learnerID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO recruiter_profiles (learner_id, antenna_id, updated_at)
		SELECT id, antenna_id, $2 FROM learners WHERE id = $1 ON CONFLICT (learner_id) DO NOTHING`, learnerID, db.Now())
	return err
}

// SaveChoices stores the fields the person chose to show, and refreshes the
// summary.
func SaveChoices(ctx context.Context, d *db.DB, learnerID int64, c Choices) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if err := ensure(ctx, tx, learnerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recruiter_profiles SET show_skills = $2, show_courses = $3, show_certificates = $4,
			show_languages = $5, show_availability = $6, show_town = $7, cv = $8, available_from = $9, updated_at = $10 WHERE learner_id = $1`,
			learnerID, c.ShowSkills, c.ShowCourses, c.ShowCertificates, c.ShowLanguages, c.ShowAvailability, c.ShowTown, c.CV, c.AvailableFrom, db.Now()); err != nil {
			return err
		}
		return refresh(ctx, tx, []int64{learnerID})
	})
}

// Consent is one consent given or withdrawn.
type Consent struct {
	Level, Action, Version, How string
	StaffName                   string
	At                          time.Time
}

// CurrentVersion is the consent text in force on day (YYYY-MM-DD).
func CurrentVersion(ctx context.Context, q db.Execer, day string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT version FROM profile_consent_texts WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1", day).Scan(&v)
	return v, db.NotFound(err)
}

// ErrNoProfileConsent refuses the put-in-touch consent without the profile's.
var ErrNoProfileConsent = errors.New("put in touch needs the profile consent first")

// Record records a consent given or withdrawn for learnerID, on the text in
// force, and puts it in force at once: a profile consent withdrawn hides the
// profile from every company in the same transaction, and takes the put-in-
// touch consent with it.
func Record(ctx context.Context, d *db.DB, learnerID int64, level, action, how string, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if err := ensure(ctx, tx, learnerID); err != nil {
			return err
		}
		version, err := CurrentVersion(ctx, tx, time.Now().UTC().Format(time.DateOnly))
		if err != nil {
			return err
		}
		var shown, contact bool
		if err := tx.QueryRowContext(ctx, "SELECT shown, contact FROM recruiter_profiles WHERE learner_id = $1", learnerID).Scan(&shown, &contact); err != nil {
			return err
		}
		give := action == "given"
		if level == LevelContact && give && !shown {
			return ErrNoProfileConsent
		}
		now := db.Now()
		add := func(level string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO profile_consents (learner_id, level, action, text_version, how, staff_id, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, learnerID, level, action, version, how, db.NullID(staffID), now)
			return err
		}
		if err := add(level); err != nil {
			return err
		}
		switch {
		case level == LevelProfile:
			shown = give
			if !give && contact {
				contact = false
				if err := add(LevelContact); err != nil {
					return err
				}
			}
		default:
			contact = give
		}
		if _, err := tx.ExecContext(ctx, "UPDATE recruiter_profiles SET shown = $2, contact = $3, updated_at = $4 WHERE learner_id = $1",
			learnerID, shown, contact, now); err != nil {
			return err
		}
		return refresh(ctx, tx, []int64{learnerID})
	})
}

// History lists learnerID's consents, the latest first.
func History(ctx context.Context, q db.Execer, learnerID int64) ([]Consent, error) {
	return db.Collect[Consent](q.QueryContext(ctx, `SELECT c.level, c.action, c.text_version, c.how, COALESCE(s.name, ''), c.at
		FROM profile_consents c LEFT JOIN staff s ON s.id = c.staff_id WHERE c.learner_id = $1 ORDER BY c.id DESC`, learnerID))(
		func(s db.Scanner) (Consent, error) {
			var c Consent
			var at string
			err := s.Scan(&c.Level, &c.Action, &c.Version, &c.How, &c.StaffName, &at)
			c.At = db.ParseTime(at)
			return c, err
		})
}

// Refresh makes the summary of learnerID's profile again from the file, the
// latest positioning test and the attendance; nothing for a learner without a
// profile. The app calls it when a test is taken or an enrolment changes.
func Refresh(ctx context.Context, d *db.DB, learnerID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return refresh(ctx, tx, []int64{learnerID}) })
}

// RefreshMany refreshes the profiles of ids (those who have one), in one
// transaction: after a roll call.
func RefreshMany(ctx context.Context, d *db.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return d.Tx(ctx, func(tx *sql.Tx) error { return refresh(ctx, tx, ids) })
}

// RebuildAll refreshes every profile, a thousand at a time: after a bulk load.
func RebuildAll(ctx context.Context, d *db.DB) error {
	ids, err := db.Collect[int64](d.QueryContext(ctx, "SELECT learner_id FROM recruiter_profiles ORDER BY learner_id"))(db.ScanInt64)
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(1000, len(ids))
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return refresh(ctx, tx, ids[:n]) }); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// refresh rebuilds the summary of the profiles of ids, in tx.
func refresh(ctx context.Context, tx *sql.Tx, ids []int64) error {
	args := db.Args{}
	in := db.InList(&args, ids)
	type person struct {
		antenna                    int64
		first, last, town, post    string
		langs, avail, lang, status string
		merged                     bool
		hours                      map[int64]float64 // per programme
		certifying                 map[int64]bool
		skills                     map[string]int
	}
	people := map[int64]*person{}
	err := db.Each(tx.QueryContext(ctx, `SELECT id, antenna_id, first_name, last_name, town, postcode, languages, availabilities, lang, status,
		merged_into IS NOT NULL FROM learners WHERE id IN (`+in+`)`, args...))(func(s db.Scanner) error {
		var id int64
		p := &person{hours: map[int64]float64{}, certifying: map[int64]bool{}, skills: map[string]int{}}
		if err := s.Scan(&id, &p.antenna, &p.first, &p.last, &p.town, &p.post, &p.langs, &p.avail, &p.lang, &p.status, &p.merged); err != nil {
			return err
		}
		people[id] = p
		return nil
	})
	if err != nil {
		return err
	}
	// Hours attended per programme: meetings held and marked present or late
	// on or after their day (training's rule for hours).
	err = db.Each(tx.QueryContext(ctx, `SELECT at.learner_id, c.programme_id, pr.certifying, m.starts_at, m.ends_at FROM attendance at
		JOIN meetings m ON m.id = at.meeting_id JOIN cohorts c ON c.id = m.cohort_id JOIN programmes pr ON pr.id = c.programme_id
		WHERE at.learner_id IN (`+in+`) AND at.mark IN ('present', 'late') AND m.cancelled_at = ''
		AND substr(at.marked_at, 1, 10) >= substr(m.starts_at, 1, 10)`, args...))(func(s db.Scanner) error {
		var id, prog int64
		var cert bool
		var from, to string
		if err := s.Scan(&id, &prog, &cert, &from, &to); err != nil {
			return err
		}
		if p := people[id]; p != nil {
			p.hours[prog] += db.ParseTime(to).Sub(db.ParseTime(from)).Hours()
			p.certifying[prog] = cert
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The latest positioning test's competences.
	err = db.Each(tx.QueryContext(ctx, `SELECT t.learner_id, s.competence, s.percent FROM positioning_tests t
		JOIN positioning_test_scores s ON s.test_id = t.id
		WHERE t.learner_id IN (`+in+`) AND t.id = (SELECT t2.id FROM positioning_tests t2 WHERE t2.learner_id = t.learner_id
			ORDER BY t2.taken_at DESC, t2.id DESC LIMIT 1)`, args...))(func(s db.Scanner) error {
		var id int64
		var comp string
		var pct int
		if err := s.Scan(&id, &comp, &pct); err != nil {
			return err
		}
		if p := people[id]; p != nil {
			p.skills[comp] = PixLevel(pct)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM recruiter_profile_courses WHERE learner_id IN ("+in+")", args...); err != nil {
		return err
	}
	cb := db.NewBatch(ctx, tx, "recruiter_profile_courses", "learner_id", "programme_id", "hours", "certificate")
	now := db.Now()
	withProfile := map[int64]bool{}
	err = db.Each(tx.QueryContext(ctx, "SELECT learner_id FROM recruiter_profiles WHERE learner_id IN ("+in+")", args...))(func(s db.Scanner) error {
		var id int64
		err := s.Scan(&id)
		withProfile[id] = true
		return err
	})
	if err != nil {
		return err
	}
	for id, p := range people {
		if !withProfile[id] {
			continue
		}
		total, certified, skillSum := 0, false, 0
		for prog, h := range p.hours {
			hours := int(h + 0.5)
			if hours == 0 {
				continue
			}
			cert := p.certifying[prog] && p.status == "certified"
			certified = certified || cert
			total += hours
			if err := cb.Add(id, prog, hours, cert); err != nil {
				return err
			}
		}
		var set strings.Builder
		vals := []any{id}
		for _, comp := range positioning.Competences() {
			skillSum += p.skills[comp]
			vals = append(vals, p.skills[comp])
			fmt.Fprintf(&set, ", %s = $%d", SkillColumn(comp), len(vals))
		}
		if _, err := tx.ExecContext(ctx, "UPDATE recruiter_profiles SET "+set.String()[2:]+" WHERE learner_id = $1", vals...); err != nil {
			return err
		}
		lat, lon := placeOf(p.post, p.town)
		initial := ""
		if r := []rune(strings.TrimSpace(p.last)); len(r) > 0 {
			initial = strings.ToUpper(string(r[0]))
		}
		// A file merged into another shows nothing: its consents were the
		// person's, whose file is now the other one.
		if _, err := tx.ExecContext(ctx, `UPDATE recruiter_profiles SET antenna_id = $2, first_name = $3, last_initial = $4, town = $5,
			postcode = $6, departement = $7, languages = $8, availabilities = $9, lang = $10, hours_total = $11, certified = $12,
			skill_sum = $13, refreshed_at = $14, shown = shown AND $15, contact = contact AND $15, lat_e4 = $16, lon_e4 = $17,
			located = TRUE WHERE learner_id = $1`,
			id, p.antenna, strings.TrimSpace(p.first), initial, p.town, p.post, Departement(p.post), p.langs, p.avail, p.lang,
			total, certified, skillSum, now, !p.merged, lat, lon); err != nil {
			return err
		}
	}
	return cb.Flush()
}

// placeOf is where a person of this postcode and town lives, in 1/10,000 of a
// degree for the lat_e4 and lon_e4 columns: NULLs when unknown.
func placeOf(postcode, town string) (lat, lon any) {
	pt, ok := communes.Place(postcode, town)
	if !ok {
		return nil, nil
	}
	return e4(pt.Lat), e4(pt.Lon)
}

// e4 is a degree in 1/10,000 of a degree, rounded.
func e4(deg float64) int64 { return int64(math.Round(deg * 1e4)) }

// Locate places the profiles never placed (summed up before their place was
// kept), a thousand at a time; the app calls it at start. The rest of their
// summary is left as it is.
func Locate(ctx context.Context, d *db.DB) error {
	type row struct {
		id         int64
		post, town string
	}
	for {
		rows, err := db.Collect[row](d.QueryContext(ctx, `SELECT p.learner_id, l.postcode, l.town FROM recruiter_profiles p
			JOIN learners l ON l.id = p.learner_id WHERE NOT p.located ORDER BY p.learner_id LIMIT 1000`))(func(s db.Scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.post, &r.town)
		})
		if err != nil || len(rows) == 0 {
			return err
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			for _, r := range rows {
				lat, lon := placeOf(r.post, r.town)
				if _, err := tx.ExecContext(ctx, "UPDATE recruiter_profiles SET lat_e4 = $2, lon_e4 = $3, located = TRUE WHERE learner_id = $1",
					r.id, lat, lon); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// SaveCV keeps the PDF a person gave as their CV (in place of the one before)
// and chooses it for the profile.
func SaveCV(ctx context.Context, d *db.DB, learnerID int64, name string, body []byte, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if err := ensure(ctx, tx, learnerID); err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO recruiter_cvs (learner_id, name, body, size, staff_id, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (learner_id) DO UPDATE SET name = excluded.name, body = excluded.body, size = excluded.size,
			staff_id = excluded.staff_id, uploaded_at = excluded.uploaded_at`, learnerID, name, body, len(body), db.NullID(staffID), now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE recruiter_profiles SET cv = 'upload', updated_at = $2 WHERE learner_id = $1", learnerID, now)
		return err
	})
}
