package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// CharterText is one version of the association's volunteer charter.
type CharterText struct {
	Version     int
	PublishedOn string
	texts       map[string]string
}

// Key is the version as the forms send it.
func (c *CharterText) Key() string { return strconv.Itoa(c.Version) }

// Text is the charter in lang (French when lang is not one of the site's).
func (c *CharterText) Text(lang string) string {
	if t, ok := c.texts[lang]; ok {
		return t
	}
	return c.texts["fr"]
}

// CurrentCharter is the latest charter published on or before day ("YYYY-MM-DD").
func CurrentCharter(ctx context.Context, q db.Execer, day string) (*CharterText, error) {
	c := &CharterText{texts: map[string]string{}}
	var fr, en, ar string
	err := q.QueryRowContext(ctx, `SELECT version, published_on, text_fr, text_en, text_ar FROM volunteer_charters
		WHERE published_on <= $1 ORDER BY version DESC LIMIT 1`, day).Scan(&c.Version, &c.PublishedOn, &fr, &en, &ar)
	if err != nil {
		return nil, db.NotFound(err)
	}
	c.texts["fr"], c.texts["en"], c.texts["ar"] = fr, en, ar
	return c, nil
}

// checkMonths is how long a check of honourability seen on day stays valid, by
// the dated parameter in force that day.
func checkMonths(ctx context.Context, q db.Execer, day string) (int, error) {
	var m int
	err := q.QueryRowContext(ctx, `SELECT months FROM volunteer_check_validity WHERE valid_from <= $1
		ORDER BY valid_from DESC LIMIT 1`, day).Scan(&m)
	return m, err
}

// ErrAlreadyJoined is returned by Join when the same person (phone or email) is
// already pending or active at the antenna: nothing is stored or sent again.
var ErrAlreadyJoined = errors.New("volunteers: already signed up at this antenna")

// Join stores a new volunteer (pending) with their skills, languages and the
// charter version they accepted, then calls then in the same transaction (the
// acknowledgement). Someone already pending or active at the antenna with the
// same phone or email gives ErrAlreadyJoined.
func Join(ctx context.Context, d *db.DB, v *Volunteer, charter int, now time.Time, then func(tx *sql.Tx) error) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteers WHERE antenna_id = $1 AND state IN ('pending', 'active')
			AND ((phone <> '' AND phone = $2) OR (email <> '' AND email = $3))`, v.AntennaID, v.Phone, v.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadyJoined
		}
		v.State, v.CreatedAt = "pending", now.UTC().Truncate(time.Second)
		if err := tx.QueryRowContext(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, email, lang, availability, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) RETURNING id`,
			v.AntennaID, v.FirstName, v.LastName, v.Phone, v.Email, v.Lang, v.Availability, db.FormatTime(now)).Scan(&v.ID); err != nil {
			return err
		}
		if err := setCodes(ctx, tx, v); err != nil {
			return err
		}
		if err := acceptCharter(ctx, tx, v.ID, charter, now); err != nil {
			return err
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
}

// Enlist makes sure a person taken on at the antenna another way (a
// civic-service contract) is an active volunteer, so that they sign up to shifts
// and give hours like the others. The antenna's volunteer with the same phone or
// email becomes active (validated by by, unless already active); else one is
// stored, active. It runs in the caller's transaction and returns their id.
func Enlist(ctx context.Context, tx *sql.Tx, v *Volunteer, by int64, now time.Time) (int64, error) {
	var id int64
	var state string
	err := tx.QueryRowContext(ctx, `SELECT id, state FROM volunteers WHERE antenna_id = $1
		AND ((phone <> '' AND phone = $2) OR (email <> '' AND email = $3))
		ORDER BY CASE state WHEN 'active' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, id LIMIT 1`,
		v.AntennaID, v.Phone, v.Email).Scan(&id, &state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, email, lang, availability,
			state, decided_by, decided_at, validated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9, $9) RETURNING id`,
			v.AntennaID, v.FirstName, v.LastName, v.Phone, v.Email, v.Lang, v.Availability, db.NullID(by), db.FormatTime(now)).Scan(&id)
	case err == nil && state != "active":
		_, err = tx.ExecContext(ctx, `UPDATE volunteers SET state = 'active', decline_reason = '', decided_by = $1, decided_at = $2,
			validated_at = $2 WHERE id = $3`, db.NullID(by), db.FormatTime(now), id)
	}
	return id, err
}

// setCodes replaces a volunteer's skills and languages with v's.
func setCodes(ctx context.Context, tx *sql.Tx, v *Volunteer) error {
	for _, q := range []string{"DELETE FROM volunteer_skills WHERE volunteer_id = $1", "DELETE FROM volunteer_languages WHERE volunteer_id = $1"} {
		if _, err := tx.ExecContext(ctx, q, v.ID); err != nil {
			return err
		}
	}
	for _, s := range v.Skills {
		if _, err := tx.ExecContext(ctx, "INSERT INTO volunteer_skills (volunteer_id, skill) VALUES ($1, $2)", v.ID, s); err != nil {
			return err
		}
	}
	for _, l := range v.Languages {
		if _, err := tx.ExecContext(ctx, "INSERT INTO volunteer_languages (volunteer_id, lang) VALUES ($1, $2)", v.ID, l); err != nil {
			return err
		}
	}
	return nil
}

func acceptCharter(ctx context.Context, tx *sql.Tx, id int64, version int, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_requirements (volunteer_id, kind, version, done_on, created_at)
		VALUES ($1, 'charter', $2, $3, $4)`, id, strconv.Itoa(version), now.Format(time.DateOnly), db.FormatTime(now))
	return err
}

// AcceptCharter records that a volunteer accepted a charter version now.
func AcceptCharter(ctx context.Context, d *db.DB, id int64, version int, now time.Time) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return acceptCharter(ctx, tx, id, version, now) })
}

// UpdateOwn saves what a volunteer may change themselves: availability, skills,
// languages and the language of their messages.
func UpdateOwn(ctx context.Context, d *db.DB, v *Volunteer) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE volunteers SET availability = $1, lang = $2 WHERE id = $3",
			v.Availability, v.Lang, v.ID); err != nil {
			return err
		}
		return setCodes(ctx, tx, v)
	})
}

// Requirement is the latest row of one kind of requirement of a volunteer.
type Requirement struct {
	Kind       string
	Version    string
	DoneOn     string
	ExpiresOn  string // "" when it does not expire
	RecordedBy string // the staff member's name, for a check of honourability
	CreatedAt  time.Time
	Expired    bool // expired before today
	Expiring   bool // expires within ExpiringWithin days
	Outdated   bool // a charter older than the current one
}

// ExpiringWithin is how many days ahead a requirement is flagged as expiring.
const ExpiringWithin = 30

// Requirements are a volunteer's latest requirement of each kind, flagged on day
// against the current charter version.
func Requirements(ctx context.Context, d *db.DB, id int64, day string, charter int) ([]Requirement, error) {
	soon := addDays(day, ExpiringWithin)
	return db.Collect[Requirement](d.QueryContext(ctx, `SELECT r.kind, r.version, r.done_on, COALESCE(r.expires_on, ''),
		COALESCE(s.name, ''), r.created_at FROM volunteer_requirements r LEFT JOIN staff s ON s.id = r.recorded_by
		WHERE r.volunteer_id = $1 AND r.id = (SELECT MAX(id) FROM volunteer_requirements x WHERE x.volunteer_id = r.volunteer_id AND x.kind = r.kind)
		ORDER BY r.kind`, id))(func(s db.Scanner) (Requirement, error) {
		var q Requirement
		var created string
		err := s.Scan(&q.Kind, &q.Version, &q.DoneOn, &q.ExpiresOn, &q.RecordedBy, &created)
		q.CreatedAt = db.ParseTime(created)
		q.Expired = q.ExpiresOn != "" && q.ExpiresOn < day
		q.Expiring = !q.Expired && q.ExpiresOn != "" && q.ExpiresOn <= soon
		if q.Kind == Charter {
			v, _ := strconv.Atoi(q.Version)
			q.Outdated = v < charter
		}
		return q, err
	})
}

func addDays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// Filter is what the staff list of volunteers shows.
type Filter struct {
	State    string // "" for all
	Skill    string
	Language string
	Due      string // "expired" or "expiring": a requirement expired, or expiring within ExpiringWithin days
	Day      string // today, for Due
	Page     int    // from 1
}

// PageSize is how many volunteers a page of the list shows.
const PageSize = 50

// Row is a volunteer as the staff list shows them.
type Row struct {
	ID          int64
	AntennaName string
	FirstName   string
	LastName    string
	State       string
	CreatedAt   time.Time
	Skills      []string
	Due         bool // a requirement expired
}

// where builds the list's conditions besides the state, in the staff's scope.
func (f Filter) where(sc auth.Scope, args *db.Args) string {
	w := sc.Where("v.antenna_id", args)
	if f.Skill != "" {
		w += " AND EXISTS (SELECT 1 FROM volunteer_skills s WHERE s.volunteer_id = v.id AND s.skill = " + args.Add(f.Skill) + ")"
	}
	if f.Language != "" {
		w += " AND EXISTS (SELECT 1 FROM volunteer_languages l WHERE l.volunteer_id = v.id AND l.lang = " + args.Add(f.Language) + ")"
	}
	if f.Due == "expired" || f.Due == "expiring" {
		var cond string
		if f.Due == "expiring" {
			cond = "r.expires_on >= " + args.Add(f.Day) + " AND r.expires_on <= " + args.Add(addDays(f.Day, ExpiringWithin))
		} else {
			cond = "r.expires_on < " + args.Add(f.Day)
		}
		w += ` AND EXISTS (SELECT 1 FROM volunteer_requirements r WHERE r.volunteer_id = v.id AND ` + cond + `
			AND r.id = (SELECT MAX(id) FROM volunteer_requirements x WHERE x.volunteer_id = v.id AND x.kind = r.kind))`
	}
	return w
}

// States are a volunteer's states, in the order the list counts them.
var States = []string{"pending", "active", "declined", "left"}

// List is one page of the volunteers in the staff's scope that match f, and how
// many match in each state (whatever f.State).
func List(ctx context.Context, d *db.DB, sc auth.Scope, f Filter) ([]*Row, map[string]int, error) {
	counts := map[string]int{}
	args := db.Args{}
	err := db.Each(d.QueryContext(ctx, "SELECT v.state, COUNT(*) FROM volunteers v WHERE "+f.where(sc, &args)+" GROUP BY v.state", args...))(
		func(s db.Scanner) error {
			var st string
			var n int
			if err := s.Scan(&st, &n); err != nil {
				return err
			}
			counts[st] = n
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	args = db.Args{}
	w := f.where(sc, &args)
	if f.State != "" {
		w += " AND v.state = " + args.Add(f.State)
	}
	page := max(f.Page, 1)
	today := args.Add(f.Day)
	q := `SELECT v.id, a.name, v.first_name, v.last_name, v.state, v.created_at,
		EXISTS (SELECT 1 FROM volunteer_requirements r WHERE r.volunteer_id = v.id AND r.expires_on < ` + today + `
			AND r.id = (SELECT MAX(id) FROM volunteer_requirements x WHERE x.volunteer_id = v.id AND x.kind = r.kind))
		FROM volunteers v JOIN antennas a ON a.id = v.antenna_id WHERE ` + w + `
		ORDER BY CASE v.state WHEN 'pending' THEN 0 WHEN 'active' THEN 1 ELSE 2 END, v.last_name, v.first_name, v.id
		LIMIT ` + strconv.Itoa(PageSize) + ` OFFSET ` + strconv.Itoa((page-1)*PageSize)
	rows, err := db.Collect[*Row](d.QueryContext(ctx, q, args...))(func(s db.Scanner) (*Row, error) {
		r := &Row{}
		var created string
		err := s.Scan(&r.ID, &r.AntennaName, &r.FirstName, &r.LastName, &r.State, &created, &r.Due)
		r.CreatedAt = db.ParseTime(created)
		return r, err
	})
	if err != nil || len(rows) == 0 {
		return rows, counts, err
	}
	byID := map[int64]*Row{}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		byID[r.ID], ids[i] = r, r.ID
	}
	args = db.Args{}
	err = db.Each(d.QueryContext(ctx, "SELECT volunteer_id, skill FROM volunteer_skills WHERE volunteer_id IN ("+db.InList(&args, ids)+") ORDER BY skill", args...))(
		func(s db.Scanner) error {
			var id int64
			var skill string
			if err := s.Scan(&id, &skill); err != nil {
				return err
			}
			byID[id].Skills = append(byID[id].Skills, skill)
			return nil
		})
	return rows, counts, err
}

// InScope returns a volunteer of the staff's antennas; db.ErrNotFound for one of
// another antenna.
func InScope(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Volunteer, error) {
	args := db.Args{id}
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers v WHERE v.id = $1 AND "+sc.Where("v.antenna_id", &args), args...).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, db.ErrNotFound
	}
	return Get(ctx, d, id)
}

// Decision is who last changed a volunteer's state, and when.
type Decision struct {
	By string
	At time.Time
}

// LastDecision is the volunteer's latest decision, nil when none yet.
func LastDecision(ctx context.Context, d *db.DB, id int64) (*Decision, error) {
	var by string
	var at sql.NullString
	err := d.QueryRowContext(ctx, `SELECT COALESCE(s.name, ''), v.decided_at FROM volunteers v LEFT JOIN staff s ON s.id = v.decided_by
		WHERE v.id = $1`, id).Scan(&by, &at)
	if err != nil || !at.Valid {
		return nil, db.NotFound(err)
	}
	return &Decision{By: by, At: db.ParseTime(at.String)}, nil
}

// ErrNotAllowed is returned for a change the volunteer's state does not allow
// (validate someone who left, decline someone active).
var ErrNotAllowed = errors.New("volunteers: not in a state that allows it")

// fromStates are the states each decision may be taken from.
var fromStates = map[string][]string{
	"active":   {"pending", "declined"},
	"declined": {"pending"},
	"left":     {"pending", "active"},
}

// Decide moves a volunteer of the staff's scope to state (active, declined with
// a reason code, left), then calls then in the transaction (to tell them).
func Decide(ctx context.Context, d *db.DB, sc auth.Scope, id int64, state, reason string, by int64, now time.Time, then func(tx *sql.Tx) error) error {
	from, ok := fromStates[state]
	if !ok {
		return ErrNotAllowed
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		args := db.Args{state, reason, db.NullID(by), db.FormatTime(now), id}
		w := sc.Where("antenna_id", &args)
		// validated_at keeps the day they became active when they leave later.
		res, err := tx.ExecContext(ctx, `UPDATE volunteers SET state = $1, decline_reason = $2, decided_by = $3, decided_at = $4,
			validated_at = CASE WHEN $1 = 'active' THEN $4 ELSE validated_at END WHERE id = $5 AND `+w+` AND state IN (`+db.InList(&args, from)+`)`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			args := db.Args{id}
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers WHERE id = $1 AND "+sc.Where("antenna_id", &args), args...).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return db.ErrNotFound
			}
			return ErrNotAllowed
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
}

// RecordCheck records that a staff member saw a volunteer's check of
// honourability on seenOn ("YYYY-MM-DD"): the date and who saw it, never the
// document. It expires by the validity in force that day.
func RecordCheck(ctx context.Context, d *db.DB, sc auth.Scope, id int64, seenOn string, by int64, now time.Time) error {
	if _, err := InScope(ctx, d, sc, id); err != nil {
		return err
	}
	seen, err := time.Parse(time.DateOnly, seenOn)
	if err != nil {
		return err
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		months, err := checkMonths(ctx, tx, seenOn)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO volunteer_requirements (volunteer_id, kind, done_on, expires_on, recorded_by, created_at)
			VALUES ($1, 'honourability', $2, $3, $4, $5)`, id, seenOn, seen.AddDate(0, months, 0).Format(time.DateOnly), db.NullID(by), db.FormatTime(now))
		return err
	})
}

// ActiveByContact is the active volunteer with one of these phones (E.164) or
// this email, the latest signed up when several; db.ErrNotFound when none.
func ActiveByContact(ctx context.Context, d *db.DB, phones []string, email string) (*Volunteer, error) {
	var id int64
	args := db.Args{}
	cond := "(email <> '' AND email = " + args.Add(email) + ")"
	if len(phones) > 0 {
		cond += " OR phone IN (" + db.InList(&args, phones) + ")"
	}
	err := d.QueryRowContext(ctx, "SELECT id FROM volunteers WHERE state = 'active' AND ("+cond+") ORDER BY id DESC LIMIT 1", args...).Scan(&id)
	if err != nil {
		return nil, db.NotFound(err)
	}
	return Get(ctx, d, id)
}

// Done is the day the requirement was met, for the templates' date.
func (q Requirement) Done() time.Time { t, _ := time.Parse(time.DateOnly, q.DoneOn); return t }

// Expires is the day it expires (zero when it does not).
func (q Requirement) Expires() time.Time { t, _ := time.Parse(time.DateOnly, q.ExpiresOn); return t }
