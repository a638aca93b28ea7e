// Package auth knows who is signed in and what they may do: staff accounts and
// their antennas, passwords, sessions kept in the database, sign-in limits, password
// resets, and the access policy every route declares.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
)

// Role is what a staff member may do; where, is their antennas.
type Role string

const (
	Admin   Role = "admin"   // national admin: everything, every antenna
	Manager Role = "manager" // antenna manager: runs the antennas they belong to
	Adviser Role = "adviser" // digital adviser: works in the antennas they belong to
	// Fundraising looks after the donors and their receipts, for the whole
	// association, and never sees the people it serves: its routes are the
	// donors' and the donation office's, nothing else.
	Fundraising Role = "fundraising"
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{Adviser, Manager, Fundraising, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Admin || r == Manager || r == Adviser || r == Fundraising }

// National reports whether the role works for the whole association rather than
// in antennas (its accounts need none).
func (r Role) National() bool { return r == Admin || r == Fundraising }

// Staff is an account of the association's team.
type Staff struct {
	ID           int64
	Name         string
	Email        string
	Role         Role
	Lang         string
	Active       bool
	Antennas     []int64
	PasswordHash string
	// SessionsSince voids the sessions signed in before it (Unix milliseconds):
	// set when the password changes.
	SessionsSince int64
}

// Scope is the set of antennas whose people a staff member may see.
type Scope struct {
	StaffID int64
	All     bool
}

// Scope returns where s may look: every antenna for the national roles (the
// fundraising role's routes show only donors), else theirs.
func (s *Staff) Scope() Scope { return Scope{StaffID: s.ID, All: s.Role.National()} }

// Where returns an SQL condition restricting column (an antenna id) to the scope,
// adding the two arguments it needs to args.
func (sc Scope) Where(column string, args *db.Args) string {
	return "(" + args.Add(sc.All) + " OR " + column + " IN (SELECT antenna_id FROM staff_antennas WHERE staff_id = " +
		args.Add(sc.StaffID) + "))"
}

// InAntenna reports whether s belongs to (or, as admin, oversees) antenna id.
func (s *Staff) InAntenna(id int64) bool {
	if s.Role.National() {
		return true
	}
	for _, a := range s.Antennas {
		if a == id {
			return true
		}
	}
	return false
}

// ManagesAntenna reports whether s may change antenna id's settings and places.
func (s *Staff) ManagesAntenna(id int64) bool {
	return s.Role == Admin || (s.Role == Manager && s.InAntenna(id))
}

// ErrEmailTaken is returned when another account already uses the email.
var ErrEmailTaken = errors.New("email already used")

// NormalizeEmail is how emails are stored and compared (check.Email's form),
// whether or not s is a valid address: a lookup needs no verdict.
func NormalizeEmail(s string) string {
	e, _ := check.Email(s)
	return e
}

const staffColumns = "id, name, email, role, lang, active, password_hash, sessions_since"

func scanStaff(row db.Scanner) (*Staff, error) {
	var s Staff
	if err := row.Scan(&s.ID, &s.Name, &s.Email, &s.Role, &s.Lang, &s.Active, &s.PasswordHash, &s.SessionsSince); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, db.ErrNotFound
		}
		return nil, err
	}
	return &s, nil
}

func loadAntennas(ctx context.Context, d *db.DB, s *Staff) (err error) {
	s.Antennas, err = AntennasOf(ctx, d, s.ID)
	return err
}

// AntennasOf lists the antennas a staff member belongs to, by id.
func AntennasOf(ctx context.Context, d *db.DB, staffID int64) ([]int64, error) {
	return db.Collect[int64](d.QueryContext(ctx, "SELECT antenna_id FROM staff_antennas WHERE staff_id = $1 ORDER BY antenna_id", staffID))(db.ScanInt64)
}

// ByID loads a staff member with their antennas.
func ByID(ctx context.Context, d *db.DB, id int64) (*Staff, error) {
	s, err := scanStaff(d.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff WHERE id = $1", id))
	if err != nil {
		return nil, err
	}
	return s, loadAntennas(ctx, d, s)
}

// ByEmail loads a staff member by email.
func ByEmail(ctx context.Context, d *db.DB, email string) (*Staff, error) {
	s, err := scanStaff(d.QueryRowContext(ctx, "SELECT "+staffColumns+" FROM staff WHERE email = $1", NormalizeEmail(email)))
	if err != nil {
		return nil, err
	}
	return s, loadAntennas(ctx, d, s)
}

// List returns the staff who belong to at least one antenna of the scope (every
// account for a national admin), by name.
func List(ctx context.Context, d *db.DB, sc Scope) ([]*Staff, error) {
	var args db.Args
	where := sc.Where("sa.antenna_id", &args)
	out, err := db.Collect[*Staff](d.QueryContext(ctx, "SELECT "+staffColumns+" FROM staff WHERE $1 OR id IN (SELECT sa.staff_id FROM staff_antennas sa WHERE "+where+") ORDER BY name, id", args...))(scanStaff)
	if err != nil {
		return nil, err
	}
	// One query for every account's antennas rather than one per account.
	byID := map[int64]*Staff{}
	for _, s := range out {
		byID[s.ID] = s
	}
	err = db.Each(d.QueryContext(ctx, "SELECT staff_id, antenna_id FROM staff_antennas ORDER BY antenna_id"))(func(row db.Scanner) error {
		var sid, aid int64
		if err := row.Scan(&sid, &aid); err != nil {
			return err
		}
		if s := byID[sid]; s != nil {
			s.Antennas = append(s.Antennas, aid)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Save creates (ID 0) or updates a staff member and their antennas. The password
// hash is written only when not empty, so editing a profile keeps the password.
func Save(ctx context.Context, d *db.DB, s *Staff) error {
	s.Email = NormalizeEmail(s.Email)
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if s.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO staff (name, email, role, lang, active, password_hash, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
				s.Name, s.Email, s.Role, s.Lang, s.Active, s.PasswordHash, now).Scan(&s.ID)
			if err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE staff SET name = $1, email = $2, role = $3, lang = $4, active = $5, updated_at = $6 WHERE id = $7`,
				s.Name, s.Email, s.Role, s.Lang, s.Active, now, s.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
			if s.PasswordHash != "" {
				if _, err := tx.ExecContext(ctx, "UPDATE staff SET password_hash = $1 WHERE id = $2", s.PasswordHash, s.ID); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM staff_antennas WHERE staff_id = $1", s.ID); err != nil {
				return err
			}
		}
		for _, a := range s.Antennas {
			if _, err := tx.ExecContext(ctx, "INSERT INTO staff_antennas (staff_id, antenna_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", s.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	return err
}

// SetPassword replaces a staff member's password.
// Every session signed in before now is signed out; the caller's own session
// stays signed in when it is stamped with the time returned (ProfileSave does).
// The password links not yet used stop working: whoever got hold of one cannot
// undo the change.
func SetPassword(ctx context.Context, d *db.DB, id int64, password string) (int64, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return 0, err
	}
	now := time.Now().UnixMilli()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE staff SET password_hash = $1, sessions_since = $2, updated_at = $3 WHERE id = $4", hash, now, db.Now(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE staff_id = $1", id)
		return err
	})
	return now, err
}

// SetLang records the interface language a staff member chose.
func SetLang(ctx context.Context, d *db.DB, id int64, lang string) error {
	_, err := d.Exec(ctx, "UPDATE staff SET lang = $1, updated_at = $2 WHERE id = $3", lang, db.Now(), id)
	return err
}
