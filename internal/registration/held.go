package registration

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/url"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// The public form's own limits, besides those of learners.Checks.
const (
	// SameRegistrationWithin is how long a registration sent again (same antenna,
	// phone and names) is taken as the one already received.
	SameRegistrationWithin = 30 * time.Minute
	// PassHours is how long a workshop code lasts by default, PassMaxHours at most.
	PassHours, PassMaxHours = 3, 12
	// PassMaxUses is how many registrations one workshop code lets through.
	PassMaxUses = 200
)

// Pass is a workshop code: staff vouch for a registration session on one network.
type Pass struct {
	ID          int64
	Code        string
	AntennaID   int64
	AntennaName string
	ExpiresAt   time.Time
	Used        int
	MaxUses     int
}

// CreatePass makes a workshop code for an antenna, valid hours from now.
func CreatePass(ctx context.Context, d *db.DB, antennaID, staffID int64, hours int) (*Pass, error) {
	now := time.Now()
	p := &Pass{AntennaID: antennaID, ExpiresAt: now.Add(time.Duration(hours) * time.Hour), MaxUses: PassMaxUses}
	for range 5 {
		b := make([]byte, 8)
		rand.Read(b)
		for i := range b {
			b[i] = learners.PassAlphabet[int(b[i])%len(learners.PassAlphabet)]
		}
		p.Code = string(b)
		err := d.QueryRowContext(ctx, `INSERT INTO registration_passes (code, antenna_id, created_by, created_at, expires_at, max_uses)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, p.Code, antennaID, db.NullID(staffID), db.FormatTime(now),
			db.FormatTime(p.ExpiresAt), p.MaxUses).Scan(&p.ID)
		if !db.IsUniqueViolation(err) {
			return p, err
		}
	}
	return nil, errors.New("no free workshop code")
}

// PassAntenna returns the antenna of a valid workshop code, or 0.
func PassAntenna(ctx context.Context, d *db.DB, code string) int64 {
	var id int64
	if code = learners.NormalizePass(code); code == "" {
		return 0
	}
	err := d.QueryRowContext(ctx, "SELECT antenna_id FROM registration_passes WHERE code = $1 AND expires_at > $2 AND used < max_uses",
		code, db.FormatTime(time.Now())).Scan(&id)
	if err != nil {
		return 0
	}
	return id
}

// ActivePasses lists the workshop codes still valid in the antennas of sc, newest first.
func ActivePasses(ctx context.Context, d *db.DB, sc auth.Scope) ([]*Pass, error) {
	args := db.Args{db.FormatTime(time.Now())}
	where := sc.Where("p.antenna_id", &args)
	rows, err := d.QueryContext(ctx, `SELECT p.id, p.code, p.antenna_id, a.name, p.expires_at, p.used, p.max_uses
		FROM registration_passes p JOIN antennas a ON a.id = p.antenna_id
		WHERE p.expires_at > $1 AND `+where+` ORDER BY p.id DESC LIMIT 50`, args...)
	return db.Collect[*Pass](rows, err)(func(r db.Scanner) (*Pass, error) {
		var p Pass
		var exp string
		if err := r.Scan(&p.ID, &p.Code, &p.AntennaID, &p.AntennaName, &exp, &p.Used, &p.MaxUses); err != nil {
			return nil, err
		}
		p.ExpiresAt = db.ParseTime(exp)
		return &p, nil
	})
}

// Held is a registration kept for review because its hidden field was filled.
type Held struct {
	ID          int64
	AntennaID   int64
	AntennaName string
	Lang        string
	Form        url.Values
	Honeypot    string
	CreatedAt   time.Time
}

// Name is the person's name as they typed it.
func (h *Held) Name() string { return h.Form.Get("first_name") + " " + h.Form.Get("last_name") }

// HeldDays is how long a held registration nobody decided on is kept.
const HeldDays = 30

// Hold keeps a registration whose hidden field was filled, for staff to review.
// It counts for the address limit like any registration.
func Hold(ctx context.Context, d *db.DB, antennaID int64, lang string, form url.Values, honeypot string, c learners.Checks) error {
	now := time.Now()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if err := learners.CheckLimits(ctx, tx, "", c, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO registrations_held (antenna_id, lang, form, honeypot, created_at)
			VALUES ($1, $2, $3, $4, $5)`, antennaID, lang, form.Encode(), honeypot, db.FormatTime(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM registrations_held WHERE decided_at = '' AND created_at < $1",
			db.FormatTime(now.AddDate(0, 0, -HeldDays)))
		return err
	})
}

// HeldPage is how many held registrations the review page shows at once.
const HeldPage = 50

// HeldList lists the held registrations waiting for a decision in the antennas of
// sc, oldest first, after the id after (0 for the start).
func HeldList(ctx context.Context, d *db.DB, sc auth.Scope, after int64) ([]*Held, error) {
	args := db.Args{after, HeldPage + 1}
	where := sc.Where("h.antenna_id", &args)
	rows, err := d.QueryContext(ctx, `SELECT h.id, h.antenna_id, a.name, h.lang, h.form, h.honeypot, h.created_at
		FROM registrations_held h JOIN antennas a ON a.id = h.antenna_id
		WHERE h.decided_at = '' AND h.id > $1 AND `+where+` ORDER BY h.id LIMIT $2`, args...)
	return db.Collect[*Held](rows, err)(scanHeld)
}

func scanHeld(row db.Scanner) (*Held, error) {
	var h Held
	var form, created string
	err := row.Scan(&h.ID, &h.AntennaID, &h.AntennaName, &h.Lang, &form, &h.Honeypot, &created)
	if err != nil {
		return nil, db.NotFound(err)
	}
	h.Form, _ = url.ParseQuery(form)
	h.CreatedAt = db.ParseTime(created)
	return &h, nil
}

// HeldByID returns a held registration waiting for a decision, in scope.
func HeldByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Held, error) {
	args := db.Args{id}
	where := sc.Where("h.antenna_id", &args)
	return scanHeld(d.QueryRowContext(ctx, `SELECT h.id, h.antenna_id, a.name, h.lang, h.form, h.honeypot, h.created_at
		FROM registrations_held h JOIN antennas a ON a.id = h.antenna_id
		WHERE h.id = $1 AND h.decided_at = '' AND `+where, args...))
}

// Release makes a file of a held registration, once (a second release of the same
// one finds it decided and returns db.ErrNotFound). l is the person as checked again;
// then runs in the same transaction once the file is stored (its acknowledgement).
func Release(ctx context.Context, d *db.DB, heldID int64, l *learners.Learner, staffID int64,
	then ...func(ctx context.Context, tx *sql.Tx, l *learners.Learner) error) error {
	now := time.Now()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if err := decide(ctx, tx, heldID, "released", staffID, now); err != nil {
			return err
		}
		if err := learners.InsertRegistration(ctx, tx, l, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations_held SET learner_id = $1 WHERE id = $2", l.ID, heldID); err != nil {
			return err
		}
		for _, fn := range then {
			if err := fn(ctx, tx, l); err != nil {
				return err
			}
		}
		return nil
	})
}

// Discard drops a held registration (a bot's): only the decision is kept.
func Discard(ctx context.Context, d *db.DB, heldID, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if err := decide(ctx, tx, heldID, "discarded", staffID, time.Now()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE registrations_held SET form = '', honeypot = '' WHERE id = $1", heldID)
		return err
	})
}

func decide(ctx context.Context, tx *sql.Tx, id int64, decision string, staffID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE registrations_held SET decided_at = $1, decision = $2, decided_by = $3
		WHERE id = $4 AND decided_at = ''`, db.FormatTime(now), decision, db.NullID(staffID), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = db.ErrNotFound
		}
		return err
	}
	return nil
}
