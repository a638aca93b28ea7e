package partners

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Org is a partner organisation.
type Org struct {
	ID           int64
	Name         string
	Kind         string
	Identifier   string // SIRET, SIREN or RNA, when known
	Address      string
	Stage        string
	Antennas     []int64
	AntennaNames []string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// orgInScope is the condition "organisation o works with an antenna of the scope".
func orgInScope(sc auth.Scope, args *db.Args) string {
	return "EXISTS (SELECT 1 FROM partner_antennas pa WHERE pa.org_id = o.id AND " + sc.Where("pa.antenna_id", args) + ")"
}

const orgColumns = "o.id, o.name, o.kind, o.identifier, o.address, o.stage, o.created_at, o.updated_at"

func scanOrg(row db.Scanner) (*Org, error) {
	var o Org
	var created, updated string
	err := row.Scan(&o.ID, &o.Name, &o.Kind, &o.Identifier, &o.Address, &o.Stage, &created, &updated)
	if err != nil {
		return nil, db.NotFound(err)
	}
	o.CreatedAt, o.UpdatedAt = db.ParseTime(created), db.ParseTime(updated)
	return &o, nil
}

// loadAntennas fills the antennas of orgs in one query.
func loadAntennas(ctx context.Context, d *db.DB, orgs []*Org) error {
	if len(orgs) == 0 {
		return nil
	}
	byID := map[int64]*Org{}
	ids := make([]int64, len(orgs))
	for i, o := range orgs {
		byID[o.ID], ids[i] = o, o.ID
		o.Antennas, o.AntennaNames = nil, nil
	}
	var args db.Args
	in := db.InList(&args, ids)
	return db.Each(d.QueryContext(ctx, `SELECT pa.org_id, a.id, a.name FROM partner_antennas pa JOIN antennas a ON a.id = pa.antenna_id
		WHERE pa.org_id IN (`+in+`) ORDER BY a.name`, args...))(func(row db.Scanner) error {
		var org, id int64
		var name string
		if err := row.Scan(&org, &id, &name); err != nil {
			return err
		}
		o := byID[org]
		o.Antennas, o.AntennaNames = append(o.Antennas, id), append(o.AntennaNames, name)
		return nil
	})
}

// Orgs lists the organisations working with an antenna of the scope, by name;
// stage narrows the list when not empty.
func Orgs(ctx context.Context, d *db.DB, sc auth.Scope, stage string) ([]*Org, error) {
	var args db.Args
	q := "SELECT " + orgColumns + " FROM partner_orgs o WHERE " + orgInScope(sc, &args)
	if stage != "" {
		q += " AND o.stage = " + args.Add(stage)
	}
	rows, err := d.QueryContext(ctx, q+" ORDER BY o.name, o.id", args...)
	orgs, err := db.Collect[*Org](rows, err)(scanOrg)
	if err != nil {
		return nil, err
	}
	return orgs, loadAntennas(ctx, d, orgs)
}

// OrgByID returns an organisation in scope.
func OrgByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Org, error) {
	args := db.Args{id}
	where := orgInScope(sc, &args)
	o, err := scanOrg(d.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM partner_orgs o WHERE o.id = $1 AND "+where, args...))
	if err != nil {
		return nil, err
	}
	return o, loadAntennas(ctx, d, []*Org{o})
}

// orgByIDAny returns an organisation whatever the scope (for the partner space,
// which is limited to its own organisation by construction).
func orgByIDAny(ctx context.Context, d *db.DB, id int64) (*Org, error) {
	o, err := scanOrg(d.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM partner_orgs o WHERE o.id = $1", id))
	if err != nil {
		return nil, err
	}
	return o, loadAntennas(ctx, d, []*Org{o})
}

// SaveOrg creates (ID 0) or updates an organisation. Its antennas become
// o.Antennas among editable (the antennas of whoever saves it); the antennas it
// works with outside editable are kept as they were. A nil editable means every
// antenna: the antennas become exactly o.Antennas.
func SaveOrg(ctx context.Context, d *db.DB, o *Org, editable []int64) error {
	all := editable == nil
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if o.ID == 0 {
			if o.Stage == "" {
				o.Stage = Stages[0]
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO partner_orgs (name, kind, identifier, address, stage, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, o.Name, o.Kind, o.Identifier, o.Address, o.Stage, now).Scan(&o.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE partner_orgs SET name = $1, kind = $2, identifier = $3, address = $4, updated_at = $5,
				stage = CASE WHEN $7 = '' THEN stage ELSE $7 END WHERE id = $6`, o.Name, o.Kind, o.Identifier, o.Address, now, o.ID, o.Stage)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
		}
		if all {
			if _, err := tx.ExecContext(ctx, "DELETE FROM partner_antennas WHERE org_id = $1", o.ID); err != nil {
				return err
			}
		} else if len(editable) > 0 {
			args := db.Args{o.ID}
			if _, err := tx.ExecContext(ctx, "DELETE FROM partner_antennas WHERE org_id = $1 AND antenna_id IN ("+
				db.InList(&args, editable)+")", args...); err != nil {
				return err
			}
		}
		for _, a := range o.Antennas {
			if !all && !slices.Contains(editable, a) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO partner_antennas (org_id, antenna_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", o.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// Contact is a person of a partner organisation.
type Contact struct {
	ID      int64
	OrgID   int64
	OrgName string
	Name    string
	Role    string
	Email   string // the confirmed address: the one that signs in and is told
	Phone   string
	Lang    string
	Active  bool
	// NewEmail is an address typed for the contact and not yet confirmed from
	// its mailbox: it signs nobody in and is told nothing.
	NewEmail string
	// Antennas are those whose referred people the contact sees (loaded by
	// ContactAntennas; on creation by SaveContact, nil means the organisation's).
	Antennas []int64
}

const contactColumns = "c.id, c.org_id, o.name, c.name, c.role, c.email, c.phone, c.lang, c.active, c.new_email"

func scanContact(row db.Scanner) (*Contact, error) {
	var c Contact
	err := row.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.Name, &c.Role, &c.Email, &c.Phone, &c.Lang, &c.Active, &c.NewEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	return &c, err
}

// Contacts lists an organisation's contacts, active ones first.
func Contacts(ctx context.Context, d *db.DB, orgID int64) ([]*Contact, error) {
	rows, err := d.QueryContext(ctx, "SELECT "+contactColumns+` FROM partner_contacts c JOIN partner_orgs o ON o.id = c.org_id
		WHERE c.org_id = $1 ORDER BY c.active DESC, c.name, c.id`, orgID)
	return db.Collect[*Contact](rows, err)(scanContact)
}

// ContactByID returns a contact, active or not.
func ContactByID(ctx context.Context, d *db.DB, id int64) (*Contact, error) {
	return scanContact(d.QueryRowContext(ctx, "SELECT "+contactColumns+" FROM partner_contacts c JOIN partner_orgs o ON o.id = c.org_id WHERE c.id = $1", id))
}

// ContactByEmail returns the active contact with that (confirmed) email.
func ContactByEmail(ctx context.Context, d *db.DB, email string) (*Contact, error) {
	email = auth.NormalizeEmail(email)
	if email == "" {
		return nil, db.ErrNotFound
	}
	c, err := scanContact(d.QueryRowContext(ctx, "SELECT "+contactColumns+" FROM partner_contacts c JOIN partner_orgs o ON o.id = c.org_id WHERE c.email = $1", email))
	if err == nil && !c.Active {
		return nil, db.ErrNotFound
	}
	return c, err
}

// ContactToConfirm returns the active contact most recently given email to
// confirm, when no contact has it confirmed.
func ContactToConfirm(ctx context.Context, d *db.DB, email string) (*Contact, error) {
	email = auth.NormalizeEmail(email)
	if email == "" {
		return nil, db.ErrNotFound
	}
	return scanContact(d.QueryRowContext(ctx, "SELECT "+contactColumns+` FROM partner_contacts c JOIN partner_orgs o ON o.id = c.org_id
		WHERE c.new_email = $1 AND c.active ORDER BY c.id DESC LIMIT 1`, email))
}

// EmailHolders lists the organisations of the contacts other than contactID
// that have email, confirmed or to confirm.
func EmailHolders(ctx context.Context, d *db.DB, email string, contactID int64) ([]int64, error) {
	rows, err := d.QueryContext(ctx, `SELECT DISTINCT org_id FROM partner_contacts WHERE (email = $1 OR new_email = $1) AND id <> $2`,
		auth.NormalizeEmail(email), contactID)
	return db.Collect[int64](rows, err)(func(row db.Scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
}

// ContactAntennas fills c.Antennas: the antennas whose referred people c sees.
func ContactAntennas(ctx context.Context, d *db.DB, c *Contact) error {
	rows, err := d.QueryContext(ctx, "SELECT antenna_id FROM partner_contact_antennas WHERE contact_id = $1 ORDER BY antenna_id", c.ID)
	c.Antennas, err = db.Collect[int64](rows, err)(func(row db.Scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	return err
}

// SaveContact creates (ID 0) or updates a contact of c.OrgID with its email as
// given, confirmed: for the demo and imports of known contacts, never for an
// address typed in a form (SaveContactFor). A new contact sees c.Antennas, the
// organisation's antennas when nil; an update keeps its antennas.
func SaveContact(ctx context.Context, d *db.DB, c *Contact) error {
	c.Email = auth.NormalizeEmail(c.Email)
	if c.Lang == "" {
		c.Lang = "fr"
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if c.ID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE partner_contacts SET name = $1, role = $2, email = $3, phone = $4, active = $5
				WHERE id = $6 AND org_id = $7`, c.Name, c.Role, c.Email, c.Phone, c.Active, c.ID, c.OrgID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
			return nil
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO partner_contacts (org_id, name, role, email, phone, lang, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, c.OrgID, c.Name, c.Role, c.Email, c.Phone, c.Lang, c.Active,
			db.Now()).Scan(&c.ID); err != nil {
			return err
		}
		if c.Antennas == nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO partner_contact_antennas (contact_id, antenna_id)
				SELECT $1, antenna_id FROM partner_antennas WHERE org_id = $2`, c.ID, c.OrgID)
			return err
		}
		return setContactAntennas(ctx, tx, c.ID, c.Antennas, nil)
	})
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	return err
}

// setContactAntennas makes the contact's antennas chosen among editable (the
// antennas of whoever saves it), keeping those outside editable as they were;
// a nil editable means every antenna.
func setContactAntennas(ctx context.Context, tx *sql.Tx, contactID int64, chosen, editable []int64) error {
	all := editable == nil
	if all {
		if _, err := tx.ExecContext(ctx, "DELETE FROM partner_contact_antennas WHERE contact_id = $1", contactID); err != nil {
			return err
		}
	} else if len(editable) > 0 {
		args := db.Args{contactID}
		if _, err := tx.ExecContext(ctx, "DELETE FROM partner_contact_antennas WHERE contact_id = $1 AND antenna_id IN ("+
			db.InList(&args, editable)+")", args...); err != nil {
			return err
		}
	}
	for _, a := range chosen {
		if !all && !slices.Contains(editable, a) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO partner_contact_antennas (contact_id, antenna_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
			contactID, a); err != nil {
			return err
		}
	}
	return nil
}

// SaveContactFor creates (ID 0) or updates a contact of c.OrgID as a staff
// member (by) or a colleague's invitation (by 0) asks, with the address typed.
// The address is never used at once: it is kept as the one to confirm (the
// contact's confirmed address, if any, goes on working) and the caller sends a
// link to confirm it when toConfirm is true; an empty address removes both.
// The contact's antennas become chosen among editable (nil: every antenna).
// The same address on another contact is no error here: only its mailbox can
// confirm it (ConfirmEmail), so that saving a contact tells nobody which
// addresses are known elsewhere.
func SaveContactFor(ctx context.Context, d *db.DB, c *Contact, typed string, by int64, chosen, editable []int64) (toConfirm bool, err error) {
	typed = auth.NormalizeEmail(typed)
	if c.Lang == "" {
		c.Lang = "fr"
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if c.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO partner_contacts (org_id, name, role, email, phone, lang, active, created_at,
				new_email, new_email_by) VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9) RETURNING id`, c.OrgID, c.Name, c.Role, c.Phone,
				c.Lang, c.Active, db.Now(), typed, db.NullID(by)).Scan(&c.ID); err != nil {
				return err
			}
			c.Email, c.NewEmail, toConfirm = "", typed, typed != ""
		} else {
			switch {
			case typed == "":
				c.Email, c.NewEmail = "", ""
			case typed == c.Email:
				c.NewEmail = ""
			default:
				if typed != c.NewEmail {
					// Links sent to the address typed before no longer confirm anything.
					if err := confirmLinks.Revoke(ctx, tx, c.ID); err != nil {
						return err
					}
				}
				c.NewEmail, toConfirm = typed, true
			}
			res, err := tx.ExecContext(ctx, `UPDATE partner_contacts SET name = $1, role = $2, email = $3, phone = $4, active = $5,
				new_email = $6, new_email_by = CASE WHEN $6 = '' THEN NULL WHEN $6 = new_email THEN new_email_by ELSE $7 END
				WHERE id = $8 AND org_id = $9`, c.Name, c.Role, c.Email, c.Phone, c.Active, c.NewEmail, db.NullID(by), c.ID, c.OrgID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
		}
		return setContactAntennas(ctx, tx, c.ID, chosen, editable)
	})
	return toConfirm, err
}

// ConfirmEmail makes the contact's address to confirm its address, once the
// link sent there is used. A staff member who typed it vouched for the contact
// in their own antennas only: the contact keeps those of its antennas and loses
// the others. ErrEmailTaken when another contact has confirmed the address
// meanwhile; db.ErrNotFound when there is nothing to confirm.
func ConfirmEmail(ctx context.Context, d *db.DB, contactID int64) error {
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var email string
		var by sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT new_email, new_email_by FROM partner_contacts WHERE id = $1 AND active",
			contactID).Scan(&email, &by); err != nil {
			return db.NotFound(err)
		}
		if email == "" {
			return db.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "UPDATE partner_contacts SET email = new_email, new_email = '', new_email_by = NULL WHERE id = $1",
			contactID); err != nil {
			return err
		}
		if !by.Valid {
			return nil
		}
		var admin bool
		if err := tx.QueryRowContext(ctx, "SELECT role = 'admin' FROM staff WHERE id = $1", by.Int64).Scan(&admin); err != nil {
			return err
		}
		args := db.Args{contactID}
		where := auth.Scope{StaffID: by.Int64, All: admin}.Where("antenna_id", &args)
		_, err := tx.ExecContext(ctx, "DELETE FROM partner_contact_antennas WHERE contact_id = $1 AND NOT "+where, args...)
		return err
	})
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	return err
}

// seenBy is the condition "referral r is one contact $n may see": of its
// organisation, to one of its antennas.
func seenBy(c *Contact, args *db.Args) string {
	return "(r.org_id = " + args.Add(c.OrgID) + " AND r.antenna_id IN (SELECT ca.antenna_id FROM partner_contact_antennas ca WHERE ca.contact_id = " +
		args.Add(c.ID) + "))"
}

// setContactLang records the language a contact last used the partner space in,
// for the emails they are sent.
func setContactLang(ctx context.Context, d *db.DB, id int64, lang string) error {
	_, err := d.Exec(ctx, "UPDATE partner_contacts SET lang = $1 WHERE id = $2 AND lang <> $1", lang, id)
	return err
}

// Interaction is one line of the outreach log.
type Interaction struct {
	ID        int64
	OrgID     int64
	OrgName   string
	Kind      string
	Note      string
	Stage     string // the stage the organisation moved to, "" if unchanged
	NextStep  string
	DueOn     string // YYYY-MM-DD
	Done      bool
	StaffID   int64
	StaffName string
	At        time.Time
	Overdue   bool
}

// Due is the next step's date.
func (i *Interaction) Due() time.Time { t, _ := time.Parse(time.DateOnly, i.DueOn); return t }

// AddInteraction logs an interaction; the organisation's open next steps count as
// done (this interaction is what came next), and its stage moves when it.Stage is set.
func AddInteraction(ctx context.Context, d *db.DB, it *Interaction) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE partner_interactions SET done_at = $1 WHERE org_id = $2 AND done_at = '' AND due_on <> ''",
			now, it.OrgID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO partner_interactions (org_id, kind, note, stage, next_step, due_on, staff_id, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, it.OrgID, it.Kind, it.Note, it.Stage, it.NextStep, it.DueOn,
			it.StaffID, now).Scan(&it.ID); err != nil {
			return err
		}
		if it.Stage == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, "UPDATE partner_orgs SET stage = $1, updated_at = $2 WHERE id = $3", it.Stage, now, it.OrgID)
		return err
	})
}

const interactionColumns = `i.id, i.org_id, o.name, i.kind, i.note, i.stage, i.next_step, i.due_on, i.done_at, i.staff_id, s.name, i.at`

const interactionFrom = ` FROM partner_interactions i JOIN partner_orgs o ON o.id = i.org_id JOIN staff s ON s.id = i.staff_id`

func scanInteraction(row db.Scanner) (*Interaction, error) {
	var it Interaction
	var done, at string
	if err := row.Scan(&it.ID, &it.OrgID, &it.OrgName, &it.Kind, &it.Note, &it.Stage, &it.NextStep, &it.DueOn, &done,
		&it.StaffID, &it.StaffName, &at); err != nil {
		return nil, err
	}
	it.Done, it.At = done != "", db.ParseTime(at)
	it.Overdue = !it.Done && it.DueOn != "" && it.DueOn < time.Now().Format(time.DateOnly)
	return &it, nil
}

// Interactions lists an organisation's outreach log, newest first.
func Interactions(ctx context.Context, d *db.DB, orgID int64) ([]*Interaction, error) {
	rows, err := d.QueryContext(ctx, "SELECT "+interactionColumns+interactionFrom+" WHERE i.org_id = $1 ORDER BY i.at DESC, i.id DESC", orgID)
	return db.Collect[*Interaction](rows, err)(scanInteraction)
}

// EndOfWeek is the Sunday of t's week (weeks start on Monday), as YYYY-MM-DD.
func EndOfWeek(t time.Time) string {
	days := (7 - int(t.Weekday())) % 7
	return t.AddDate(0, 0, days).Format(time.DateOnly)
}

// DueNextSteps lists the open next steps of organisations in scope due by until
// (YYYY-MM-DD; the overdue ones too), soonest first; only staffID's when not 0.
func DueNextSteps(ctx context.Context, d *db.DB, sc auth.Scope, staffID int64, until string) ([]*Interaction, error) {
	args := db.Args{until, staffID}
	where := orgInScope(sc, &args)
	rows, err := d.QueryContext(ctx, "SELECT "+interactionColumns+interactionFrom+` WHERE i.done_at = '' AND i.due_on <> ''
		AND i.due_on <= $1 AND ($2 = 0 OR i.staff_id = $2) AND `+where+" ORDER BY i.due_on, i.id", args...)
	return db.Collect[*Interaction](rows, err)(scanInteraction)
}

// MarkDone closes an open next step of an organisation in scope.
func MarkDone(ctx context.Context, d *db.DB, sc auth.Scope, id int64) error {
	args := db.Args{db.Now(), id}
	where := orgInScope(sc, &args)
	res, err := d.Exec(ctx, `UPDATE partner_interactions SET done_at = $1 WHERE id = $2 AND done_at = ''
		AND org_id IN (SELECT o.id FROM partner_orgs o WHERE `+where+")", args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// Referral is one person or a group sent by a partner.
type Referral struct {
	ID             int64
	OrgID          int64
	OrgName        string
	ContactID      int64
	ContactName    string
	StaffID        int64 // who imported the list, for an import
	AntennaID      int64
	AntennaName    string
	ProgrammeID    int64
	ProgrammeTitle string
	Source         string // partner (the partner space), import (a list staff uploaded)
	CreatedAt      time.Time
	People         int
	Known          int // of People, those linked to a file the antenna already had (when just created)
}

// CreateReferral stores a referral and its people in one transaction, all of them
// or none: a person the antenna already knows (learners.Existing) is linked to
// their file, the others become new files (learners.RegisterMany). ref.ID and
// each person's ID (and, for a new file, DuplicateOf) are set.
func CreateReferral(ctx context.Context, d *db.DB, ref *Referral, people []*learners.Learner) error {
	if len(people) == 0 {
		return errors.New("a referral needs at least one person")
	}
	if ref.CreatedAt.IsZero() {
		ref.CreatedAt = time.Now()
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		return createReferral(ctx, tx, ref, people)
	})
}

// peopleChunk is how many referred people one INSERT writes (SQLite's lookup of
// numbered parameters grows with the square of their number).
const peopleChunk = 200

func createReferral(ctx context.Context, tx *sql.Tx, ref *Referral, people []*learners.Learner) error {
	created := db.FormatTime(ref.CreatedAt)
	if err := tx.QueryRowContext(ctx, `INSERT INTO referrals (org_id, contact_id, staff_id, antenna_id, programme_id, source, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, ref.OrgID, db.NullID(ref.ContactID), db.NullID(ref.StaffID), ref.AntennaID,
		db.NullID(ref.ProgrammeID), ref.Source, created).Scan(&ref.ID); err != nil {
		return err
	}
	for _, l := range people {
		l.WishedProgramme, l.Source = ref.ProgrammeID, "referral"
		if l.CreatedAt.IsZero() {
			l.CreatedAt = ref.CreatedAt
		}
	}
	// Someone the antenna already knows (same phone, or same name and birth year)
	// is linked to their file, whose path the referral then follows; only the
	// others become new files.
	known, err := learners.Existing(ctx, tx, ref.AntennaID, people)
	if err != nil {
		return err
	}
	states := make([]string, len(people))
	var fresh []*learners.Learner
	for i, l := range people {
		states[i] = Sent
		if known[i].ID == 0 {
			fresh = append(fresh, l)
			continue
		}
		l.ID = known[i].ID
		if st, _ := StateFor(known[i].Status); st != "" {
			states[i] = st
		}
		ref.Known++
	}
	if err := learners.RegisterMany(ctx, tx, ref.AntennaID, fresh); err != nil {
		return err
	}
	for start := 0; start < len(people); start += peopleChunk {
		var q strings.Builder
		q.WriteString("INSERT INTO referral_people (referral_id, learner_id, state, reason, known, updated_at) VALUES ")
		args := db.Args{ref.ID, created}
		for i, l := range people[start:min(start+peopleChunk, len(people))] {
			if i > 0 {
				q.WriteString(", ")
			}
			st, reason := states[start+i], ""
			if k := known[start+i]; k.ID != 0 {
				_, reason = StateFor(k.Status)
			}
			q.WriteString("($1, " + args.In(l.ID, st, reason, known[start+i].ID != 0) + ", $2)")
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO referral_events (person_id, state, staff_id, contact_id, at)
		SELECT id, state, $2, $3, $4 FROM referral_people WHERE referral_id = $1`,
		ref.ID, db.NullID(ref.StaffID), db.NullID(ref.ContactID), created); err != nil {
		return err
	}
	ref.People = len(people)
	return nil
}

const referralColumns = `r.id, r.org_id, o.name, COALESCE(r.contact_id, 0), COALESCE(c.name, ''), COALESCE(r.staff_id, 0),
	r.antenna_id, a.name, COALESCE(r.programme_id, 0), COALESCE(p.title, ''), r.source, r.created_at,
	(SELECT COUNT(*) FROM referral_people rp WHERE rp.referral_id = r.id)`

const referralFrom = ` FROM referrals r JOIN partner_orgs o ON o.id = r.org_id JOIN antennas a ON a.id = r.antenna_id
	LEFT JOIN partner_contacts c ON c.id = r.contact_id LEFT JOIN programmes p ON p.id = r.programme_id`

func scanReferral(row db.Scanner) (*Referral, error) {
	var r Referral
	var created string
	err := row.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.ContactID, &r.ContactName, &r.StaffID, &r.AntennaID, &r.AntennaName,
		&r.ProgrammeID, &r.ProgrammeTitle, &r.Source, &created, &r.People)
	if err != nil {
		return nil, db.NotFound(err)
	}
	r.CreatedAt = db.ParseTime(created)
	return &r, nil
}

// Referrals lists the referrals to antennas of the scope, newest first; of one
// organisation when orgID is not 0.
func Referrals(ctx context.Context, d *db.DB, sc auth.Scope, orgID int64, limit int) ([]*Referral, error) {
	args := db.Args{orgID, limit}
	where := sc.Where("r.antenna_id", &args)
	rows, err := d.QueryContext(ctx, "SELECT "+referralColumns+referralFrom+" WHERE "+where+
		" AND ($1 = 0 OR r.org_id = $1) ORDER BY r.created_at DESC, r.id DESC LIMIT $2", args...)
	return db.Collect[*Referral](rows, err)(scanReferral)
}

// ReferralByID returns a referral to an antenna of the scope.
func ReferralByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Referral, error) {
	args := db.Args{id}
	where := sc.Where("r.antenna_id", &args)
	return scanReferral(d.QueryRowContext(ctx, "SELECT "+referralColumns+referralFrom+" WHERE r.id = $1 AND "+where, args...))
}

// Person is one referred person: what partners may see of them (their name, the
// antenna and programme, the referral's state) and, for staff, the file's id.
type Person struct {
	ID             int64
	ReferralID     int64
	LearnerID      int64 // the file as it is now (after a merge, the file it went into)
	FirstName      string
	LastName       string
	AntennaName    string
	ProgrammeTitle string
	State          string
	Reason         string // a DeclineReasons code, for "declined"
	ReferredAt     time.Time
	UpdatedAt      time.Time
	Duplicate      bool   // the file was flagged as a possible duplicate (staff only)
	Known          bool   // linked to a file the antenna already had when referred
	Country        string // the antenna's, to read a national phone number
}

// Name is the person's name.
func (p *Person) Name() string { return p.FirstName + " " + p.LastName }

const personColumns = `rp.id, rp.referral_id, COALESCE(lm.id, l0.id), l0.first_name, l0.last_name, a.name, COALESCE(pg.title, ''),
	rp.state, rp.reason, r.created_at, rp.updated_at, l0.duplicate_of IS NOT NULL, rp.known, a.country`

const personFrom = ` FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id JOIN antennas a ON a.id = r.antenna_id
	JOIN learners l0 ON l0.id = rp.learner_id LEFT JOIN learners lm ON lm.id = l0.merged_into
	LEFT JOIN programmes pg ON pg.id = r.programme_id`

func scanPerson(row db.Scanner) (*Person, error) {
	var p Person
	var referred, updated string
	err := row.Scan(&p.ID, &p.ReferralID, &p.LearnerID, &p.FirstName, &p.LastName, &p.AntennaName, &p.ProgrammeTitle,
		&p.State, &p.Reason, &referred, &updated, &p.Duplicate, &p.Known, &p.Country)
	if err != nil {
		return nil, db.NotFound(err)
	}
	p.ReferredAt, p.UpdatedAt = db.ParseTime(referred), db.ParseTime(updated)
	return &p, nil
}

// People lists the people of a referral, in the order they were sent.
func People(ctx context.Context, d *db.DB, referralID int64) ([]*Person, error) {
	rows, err := d.QueryContext(ctx, "SELECT "+personColumns+personFrom+" WHERE rp.referral_id = $1 ORDER BY rp.id", referralID)
	return db.Collect[*Person](rows, err)(scanPerson)
}

// OrgPeople lists the people contact c may see (referred by their organisation
// to their antennas), newest first, at most limit.
func OrgPeople(ctx context.Context, d *db.DB, c *Contact, limit int) ([]*Person, error) {
	args := db.Args{limit}
	where := seenBy(c, &args)
	rows, err := d.QueryContext(ctx, "SELECT "+personColumns+personFrom+" WHERE "+where+" ORDER BY r.created_at DESC, rp.id DESC LIMIT $1", args...)
	return db.Collect[*Person](rows, err)(scanPerson)
}

// OrgPerson returns a person contact c may see; anyone else is db.ErrNotFound.
func OrgPerson(ctx context.Context, d *db.DB, c *Contact, personID int64) (*Person, error) {
	args := db.Args{personID}
	where := seenBy(c, &args)
	return scanPerson(d.QueryRowContext(ctx, "SELECT "+personColumns+personFrom+" WHERE rp.id = $1 AND "+where, args...))
}

// personInScope returns a referred person whose referral went to an antenna of the scope.
func personInScope(ctx context.Context, d *db.DB, sc auth.Scope, personID int64) (*Person, error) {
	args := db.Args{personID}
	where := sc.Where("r.antenna_id", &args)
	return scanPerson(d.QueryRowContext(ctx, "SELECT "+personColumns+personFrom+" WHERE rp.id = $1 AND "+where, args...))
}

// Event is one change of a referred person's state.
type Event struct {
	State  string
	Reason string
	At     time.Time
	By     string // the staff member or partner contact; "" for the system
}

// Events lists a referred person's changes of state, oldest first.
func Events(ctx context.Context, d *db.DB, personID int64) ([]*Event, error) {
	rows, err := d.QueryContext(ctx, `SELECT e.state, e.reason, e.at, COALESCE(s.name, c.name, '') FROM referral_events e
		LEFT JOIN staff s ON s.id = e.staff_id LEFT JOIN partner_contacts c ON c.id = e.contact_id
		WHERE e.person_id = $1 ORDER BY e.at, e.id`, personID)
	return db.Collect[*Event](rows, err)(func(row db.Scanner) (*Event, error) {
		var e Event
		var at string
		err := row.Scan(&e.State, &e.Reason, &at, &e.By)
		e.At = db.ParseTime(at)
		return &e, err
	})
}

// Changed is a referred person whose state has just changed, with whom to tell.
type Changed struct {
	PersonID    int64
	LearnerID   int64 // their file (the one it was merged into, if any)
	AntennaID   int64 // the referral's
	FirstName   string
	LastName    string
	State       string
	Reason      string
	OrgName     string
	ContactID   int64
	ContactName string
	Email       string
	Lang        string
}

// referring lists the referred people matching where (not withdrawn by the
// partner), each with the contact who referred them: whom to tell. A contact no
// longer active, or who no longer sees the referral's antenna, has no email.
func referring(ctx context.Context, tx *sql.Tx, where string, args []any) ([]*Changed, error) {
	return db.Collect[*Changed](tx.QueryContext(ctx, `SELECT rp.id, COALESCE(l0.merged_into, l0.id), r.antenna_id, l0.first_name, l0.last_name,
		o.name, COALESCE(c.id, 0), COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(c.lang, 'fr'),
		COALESCE(c.active AND EXISTS (SELECT 1 FROM partner_contact_antennas ca WHERE ca.contact_id = c.id AND ca.antenna_id = r.antenna_id), FALSE)
		FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id JOIN partner_orgs o ON o.id = r.org_id
		JOIN learners l0 ON l0.id = rp.learner_id LEFT JOIN partner_contacts c ON c.id = r.contact_id
		WHERE rp.state <> '`+Withdrawn+`' AND `+where+` ORDER BY rp.id`, args...))(func(row db.Scanner) (*Changed, error) {
		var c Changed
		var active bool
		if err := row.Scan(&c.PersonID, &c.LearnerID, &c.AntennaID, &c.FirstName, &c.LastName, &c.OrgName, &c.ContactID, &c.ContactName,
			&c.Email, &c.Lang, &active); err != nil {
			return nil, err
		}
		if !active {
			c.Email = ""
		}
		return &c, nil
	})
}

// setState moves the referred people of rows to state (with reason) and logs each
// change; those already there, and those the partner withdrew, are left alone.
// It returns who changed.
func setState(ctx context.Context, tx *sql.Tx, where string, args []any, state, reason string, staffID int64) ([]*Changed, error) {
	// Collect closes the rows before the updates below run on the same transaction.
	all, err := referring(ctx, tx, where, args)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		c.State, c.Reason = state, reason
	}
	now := db.Now()
	var out []*Changed
	for _, c := range all {
		// The condition on the current state makes a change recorded twice at
		// once (two advisers, a double tap) count once.
		res, err := tx.ExecContext(ctx, `UPDATE referral_people SET state = $1, reason = $2, updated_at = $3
			WHERE id = $4 AND (state <> $1 OR reason <> $2)`, state, reason, now, c.PersonID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO referral_events (person_id, state, reason, staff_id, at) VALUES ($1, $2, $3, $4, $5)`,
			c.PersonID, state, reason, db.NullID(staffID), now); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Told hears, within the transaction of a change of referral states, who
// changed: their partners are told there (Handlers.tell).
type Told func(ctx context.Context, tx *sql.Tx, changed []*Changed) error

// SetState records a staff decision on a referred person in scope: received,
// unreachable, or declined with a reason.
func SetState(ctx context.Context, d *db.DB, sc auth.Scope, personID int64, state, reason string, staffID int64, told ...Told) ([]*Changed, error) {
	if !slices.Contains(States, state) {
		return nil, fmt.Errorf("unknown referral state %q", state)
	}
	if state != Declined {
		reason = ""
	}
	var out []*Changed
	args := db.Args{personID}
	where := sc.Where("r.antenna_id", &args)
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = setState(ctx, tx, "rp.id = $1 AND "+where, args, state, reason, staffID); err != nil {
			return err
		}
		return tell(ctx, tx, out, told)
	})
	return out, err
}

func tell(ctx context.Context, tx *sql.Tx, changed []*Changed, told []Told) error {
	if len(changed) == 0 {
		return nil
	}
	for _, fn := range told {
		if err := fn(ctx, tx, changed); err != nil {
			return err
		}
	}
	return nil
}

// StateFor is the referral state that follows from a learner's status (learners
// package), "" for none. "unreachable" and "declined" are decided on the referral
// itself, as the learner's path has no such statuses; a learner found not
// eligible is declined with the reason "not_eligible".
func StateFor(status string) (state, reason string) {
	switch status {
	case learners.Received:
		return Received, ""
	case learners.Contacted:
		return Contacted, ""
	case learners.Positioned:
		return Positioned, ""
	case learners.Enrolled, learners.InTraining:
		return Enrolled, ""
	case learners.Waitlisted, learners.Offered:
		return Waitlisted, ""
	case learners.Oriented:
		return Oriented, ""
	case learners.NotEligible:
		return Declined, "not_eligible"
	case learners.Completed, learners.Certified:
		return Completed, ""
	case learners.Dropped:
		return Dropped, ""
	case Unreachable, Declined:
		return status, ""
	}
	return "", ""
}

// FollowLearner moves the referral state of every referral of a learner's file
// (and of files merged into it) after the file's status changed, and logs it.
func FollowLearner(ctx context.Context, d *db.DB, learnerID int64, status string, staffID int64, told ...Told) ([]*Changed, error) {
	state, reason := StateFor(status)
	if state == "" {
		return nil, nil
	}
	var out []*Changed
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = setState(ctx, tx, ofLearner, []any{learnerID}, state, reason, staffID); err != nil {
			return err
		}
		return tell(ctx, tx, out, told)
	})
	return out, err
}

// ofLearner keeps the referred people of a file ($1) and of the files merged into it.
const ofLearner = "(rp.learner_id = $1 OR rp.learner_id IN (SELECT x.id FROM learners x WHERE x.merged_into = $1))"

// Figures are an organisation's referrals counted along the path.
type Figures struct {
	OrgID     int64
	OrgName   string
	Referred  int // people referred
	Reached   int // contacted or beyond (not unreachable)
	Enrolled  int // ever enrolled: enrolled, in training, and after
	Completed int // completed or certified
	Positive  int // a positive exit recorded at a follow-up
}

// PositiveExits are the follow-up situations counted as positive exits.
var PositiveExits = []string{"cdi", "cdd_long", "cdd_short", "temp", "business", "training"}

// How far a referred person went, as the figures count it: reached by the
// referral's state (contacted or further); enrolled and completed by their file's
// status (of the file it was merged into, if any).
var (
	ReachedStates     = []string{Contacted, Positioned, Enrolled, Waitlisted, Declined, Oriented, Completed, Dropped}
	EnrolledStatuses  = []string{learners.Enrolled, learners.InTraining, learners.Completed, learners.Certified, learners.Dropped}
	CompletedStatuses = []string{learners.Completed, learners.Certified}
)

// OrgFigures counts, per organisation in scope, the people referred to antennas of
// the scope; of one organisation when orgID is not 0. Learners' tables are read only.
func OrgFigures(ctx context.Context, d *db.DB, sc auth.Scope, orgID int64) ([]*Figures, error) {
	args := db.Args{orgID}
	where := sc.Where("r.antenna_id", &args)
	return figures(ctx, d, where+" AND ($1 = 0 OR r.org_id = $1)", args)
}

// figures counts the referred people of the referrals (r) matching where.
func figures(ctx context.Context, d *db.DB, where string, args []any) ([]*Figures, error) {
	in := func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = "'" + s + "'" // constant codes, not input
		}
		return strings.Join(q, ", ")
	}
	status := "COALESCE(lm.status, l0.status)"
	rows, err := d.QueryContext(ctx, `SELECT o.id, o.name, COUNT(*),
		SUM(CASE WHEN rp.state IN (`+in(ReachedStates)+`) THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+status+` IN (`+in(EnrolledStatuses)+`) THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+status+` IN (`+in(CompletedStatuses)+`) THEN 1 ELSE 0 END),
		SUM(CASE WHEN EXISTS (SELECT 1 FROM learner_followups f WHERE f.learner_id = COALESCE(lm.id, l0.id)
			AND f.situation IN (`+in(PositiveExits)+`)) THEN 1 ELSE 0 END)
		FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id JOIN partner_orgs o ON o.id = r.org_id
		JOIN learners l0 ON l0.id = rp.learner_id LEFT JOIN learners lm ON lm.id = l0.merged_into
		WHERE `+where+` GROUP BY o.id, o.name ORDER BY o.name`, args...)
	return db.Collect[*Figures](rows, err)(func(row db.Scanner) (*Figures, error) {
		var f Figures
		err := row.Scan(&f.OrgID, &f.OrgName, &f.Referred, &f.Reached, &f.Enrolled, &f.Completed, &f.Positive)
		return &f, err
	})
}
