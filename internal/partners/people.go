package partners

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
)

// What a partner contact does with the people their organisation referred: list
// and count them by state, leave a note for the adviser, correct a phone number,
// withdraw a referral.

// WithdrawReasons are why a partner withdraws a referral: codes, so that staff
// read the reason in their language.
var WithdrawReasons = []string{"found_elsewhere", "changed_mind", "moved", "sent_by_mistake", "other"}

// StateCounts are how many people an organisation referred are in each state,
// and in all.
type StateCounts struct {
	By    map[string]int
	Total int
}

// OrgStateCounts counts the people contact x may see (referred by their
// organisation to their antennas), by state.
func OrgStateCounts(ctx context.Context, d *db.DB, x *Contact) (*StateCounts, error) {
	c := &StateCounts{By: map[string]int{}}
	var args db.Args
	where := seenBy(x, &args)
	err := db.Each(d.QueryContext(ctx, `SELECT rp.state, COUNT(*) FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
		WHERE `+where+` GROUP BY rp.state`, args...))(func(row db.Scanner) error {
		var state string
		var n int
		if err := row.Scan(&state, &n); err != nil {
			return err
		}
		c.By[state], c.Total = n, c.Total+n
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// OrgPeoplePage lists the people contact c may see, newest first: in state when
// not "", skipping offset, at most limit.
func OrgPeoplePage(ctx context.Context, d *db.DB, c *Contact, state string, offset, limit int) ([]*Person, error) {
	args := db.Args{state, limit, offset}
	where := seenBy(c, &args)
	rows, err := d.QueryContext(ctx, "SELECT "+personColumns+personFrom+` WHERE `+where+` AND ($1 = '' OR rp.state = $1)
		ORDER BY r.created_at DESC, rp.id DESC LIMIT $2 OFFSET $3`, args...)
	return db.Collect[*Person](rows, err)(scanPerson)
}

// EachOrgPerson calls fn with every person contact c may see, newest first, in
// state when not "", as the rows are read: an export of any length in flat memory.
func EachOrgPerson(ctx context.Context, d *db.DB, c *Contact, state string, fn func(*Person) error) error {
	args := db.Args{state}
	where := seenBy(c, &args)
	return db.Each(d.QueryContext(ctx, "SELECT "+personColumns+personFrom+` WHERE `+where+` AND ($1 = '' OR rp.state = $1)
		ORDER BY r.created_at DESC, rp.id DESC`, args...))(func(row db.Scanner) error {
		p, err := scanPerson(row)
		if err != nil {
			return err
		}
		return fn(p)
	})
}

// Note is a partner contact's note for the adviser on a person they referred.
type Note struct {
	ID          int64
	PersonID    int64
	ContactID   int64
	ContactName string
	OrgName     string
	Language    string // the language the person speaks
	Interpreter bool   // an interpreter is needed
	Body        string // constraints, anything the adviser should know
	At          time.Time
}

// noteRepeat is how long the same note sent again (a double tap, a slow network)
// counts as the first one.
const noteRepeat = 10 * time.Minute

// AddNote stores a partner contact's note; the same note by the same contact
// within noteRepeat is kept once. n.ID is set (to the first one's, for a repeat).
func AddNote(ctx context.Context, d *db.DB, n *Note) error {
	if n.At.IsZero() {
		n.At = time.Now()
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM referral_notes WHERE person_id = $1 AND contact_id = $2 AND language = $3
			AND interpreter = $4 AND body = $5 AND at > $6 ORDER BY id DESC LIMIT 1`, n.PersonID, n.ContactID, n.Language, n.Interpreter,
			n.Body, db.FormatTime(n.At.Add(-noteRepeat))).Scan(&n.ID)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO referral_notes (person_id, contact_id, language, interpreter, body, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, n.PersonID, n.ContactID, n.Language, n.Interpreter, n.Body,
			db.FormatTime(n.At)).Scan(&n.ID)
	})
}

const noteSelect = `SELECT n.id, n.person_id, n.contact_id, c.name, o.name, n.language, n.interpreter, n.body, n.at
	FROM referral_notes n JOIN partner_contacts c ON c.id = n.contact_id JOIN partner_orgs o ON o.id = c.org_id`

func scanNote(row db.Scanner) (*Note, error) {
	var n Note
	var at string
	err := row.Scan(&n.ID, &n.PersonID, &n.ContactID, &n.ContactName, &n.OrgName, &n.Language, &n.Interpreter, &n.Body, &at)
	n.At = db.ParseTime(at)
	return &n, err
}

// Notes lists the partner notes on the given referred people, oldest first.
func Notes(ctx context.Context, d *db.DB, personIDs ...int64) ([]*Note, error) {
	if len(personIDs) == 0 {
		return nil, nil
	}
	var args db.Args
	rows, err := d.QueryContext(ctx, noteSelect+" WHERE n.person_id IN ("+db.InList(&args, personIDs)+") ORDER BY n.at, n.id", args...)
	return db.Collect[*Note](rows, err)(scanNote)
}

// Withdraw records that contact c withdraws a referred person they may see,
// with a reason code, and logs it with the contact. The person's file is kept;
// their referral no longer follows it. Withdrawing again changes nothing.
func Withdraw(ctx context.Context, d *db.DB, c *Contact, personID int64, reason string) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		args := db.Args{Withdrawn, reason, now, personID}
		where := seenBy(c, &args)
		res, err := tx.ExecContext(ctx, `UPDATE referral_people SET state = $1, reason = $2, updated_at = $3
			WHERE id = $4 AND state <> $1 AND referral_id IN (SELECT r.id FROM referrals r WHERE `+where+`)`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var state string
			args := db.Args{personID}
			where := seenBy(c, &args)
			err := tx.QueryRowContext(ctx, `SELECT rp.state FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
				WHERE rp.id = $1 AND `+where, args...).Scan(&state)
			if errors.Is(err, sql.ErrNoRows) {
				return db.ErrNotFound
			}
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO referral_events (person_id, state, reason, contact_id, at) VALUES ($1, $2, $3, $4, $5)",
			personID, Withdrawn, reason, db.NullID(c.ID), now)
		return err
	})
}

// CorrectPhone replaces the phone of a referred person's file (learners package) with
// typed, read as a number of the referral's antenna's country; it reports false,
// changing nothing, when typed cannot be a phone number. The file's history says
// which partner contact corrected it.
func CorrectPhone(ctx context.Context, d *db.DB, p *Person, c *Contact, typed string) (bool, error) {
	phone, ok := check.Phone(p.Country, typed)
	if !ok {
		return false, nil
	}
	_, err := learners.CorrectPhone(ctx, d, p.LearnerID, phone, fmt.Sprintf("%s (%s)", c.Name, c.OrgName))
	return true, err
}
