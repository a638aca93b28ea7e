package jobs

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/positioning"
	"tremplin/internal/profiles"
)

// Recruiter is a company's contact who may use the company space.
type Recruiter struct {
	ID, ContactID, DonorID int64
	Name, Email, Lang      string
	Company                string
}

const recruiterCols = `r.id, r.contact_id, r.donor_id, c.name, c.email, r.lang, d.org_name
	FROM recruiters r JOIN donor_contacts c ON c.id = r.contact_id JOIN donors d ON d.id = r.donor_id`

// activeRecruiter is a recruiter whose access stands: not taken back, an email
// to send links to, a company (an organisation donor).
const activeRecruiter = "r.revoked_at IS NULL AND c.email <> '' AND d.kind = 'organisation'"

func scanRecruiter(row db.Scanner) (*Recruiter, error) {
	rc := &Recruiter{}
	return rc, row.Scan(&rc.ID, &rc.ContactID, &rc.DonorID, &rc.Name, &rc.Email, &rc.Lang, &rc.Company)
}

// RecruiterByID reads a recruiter whose access stands (db.ErrNotFound otherwise).
func RecruiterByID(ctx context.Context, d *db.DB, id int64) (*Recruiter, error) {
	rc, err := scanRecruiter(d.QueryRowContext(ctx, "SELECT "+recruiterCols+" WHERE r.id = $1 AND "+activeRecruiter, id))
	return rc, db.NotFound(err)
}

// RecruiterByEmail reads the recruiter with that email whose access stands,
// the latest given when one person recruits for two companies.
func RecruiterByEmail(ctx context.Context, d *db.DB, email string) (*Recruiter, error) {
	rc, err := scanRecruiter(d.QueryRowContext(ctx, "SELECT "+recruiterCols+" WHERE LOWER(c.email) = $1 AND "+activeRecruiter+
		" ORDER BY r.granted_at DESC, r.id DESC LIMIT 1", strings.ToLower(strings.TrimSpace(email))))
	return rc, db.NotFound(err)
}

// CompanyContact is a company's contact and their access to the company space.
type CompanyContact struct {
	ContactID, RecruiterID int64
	Name, Role, Email      string
	Access                 bool
	GrantedAt, SignedInAt  time.Time
}

// ContactsOf lists a company's contacts with their access, by name.
func ContactsOf(ctx context.Context, d *db.DB, donorID int64) ([]*CompanyContact, error) {
	return db.Collect[*CompanyContact](d.QueryContext(ctx, `SELECT c.id, COALESCE(r.id, 0), c.name, c.role, c.email,
		COALESCE(r.revoked_at IS NULL, FALSE), COALESCE(r.granted_at, ''), COALESCE(r.last_signed_in_at, '')
		FROM donor_contacts c LEFT JOIN recruiters r ON r.contact_id = c.id
		WHERE c.donor_id = $1 ORDER BY c.name, c.id`, donorID))(func(row db.Scanner) (*CompanyContact, error) {
		c := &CompanyContact{}
		var granted, signed string
		err := row.Scan(&c.ContactID, &c.RecruiterID, &c.Name, &c.Role, &c.Email, &c.Access, &granted, &signed)
		c.Access = c.Access && c.RecruiterID != 0
		if granted != "" {
			c.GrantedAt = db.ParseTime(granted)
		}
		if signed != "" {
			c.SignedInAt = db.ParseTime(signed)
		}
		return c, err
	})
}

// Grant gives a company's contact access to the company space (again, when it
// was taken back) and returns the recruiter's id; db.ErrNotFound when the
// contact is not the company's.
func Grant(ctx context.Context, d *db.DB, donorID, contactID, staffID int64, lang string) (int64, error) {
	var id int64
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM donor_contacts WHERE id = $1 AND donor_id = $2", contactID, donorID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return db.ErrNotFound
		}
		now := db.Now()
		err := tx.QueryRowContext(ctx, `INSERT INTO recruiters (contact_id, donor_id, lang, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (contact_id) DO UPDATE SET revoked_at = NULL, granted_by = $4, granted_at = $5 RETURNING id`,
			contactID, donorID, lang, db.NullID(staffID), now).Scan(&id)
		return err
	})
	return id, err
}

// Revoke takes a contact's access back at once: their session stops working
// on their next page (the policy reads the access each time).
func Revoke(ctx context.Context, d *db.DB, donorID, contactID int64) error {
	res, err := d.Exec(ctx, "UPDATE recruiters SET revoked_at = $1 WHERE contact_id = $2 AND donor_id = $3 AND revoked_at IS NULL",
		db.Now(), contactID, donorID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

func signedIn(ctx context.Context, d *db.DB, id int64, lang string) error {
	_, err := d.Exec(ctx, "UPDATE recruiters SET last_signed_in_at = $1, lang = $2 WHERE id = $3", db.Now(), lang, id)
	return err
}

// Offer is a company's job offer.
type Offer struct {
	ID, DonorID          int64
	Company              string
	Title, ROME          string
	Contract             string
	ContractMonths       int            // a fixed-term contract's length, 0 when not said
	Skills               map[string]int // Pix competences asked beyond the job code's, lowest level each
	Hours, Positions     int
	INSEE, Town          string
	StartsOn             time.Time
	Experience           string
	ExperienceMonths     int
	Description, State   string
	CreatedAt, UpdatedAt time.Time
}

// Job is the offer's ROME sheet (nil for a code the referential lost).
func (o *Offer) Job() *Job { return JobByCode(o.ROME) }

// Next lists the states the offer may move to.
func (o *Offer) Next() []string { return Next(o.State) }

// Editable reports whether the offer's terms may still change.
func (o *Offer) Editable() bool { return o.State != Closed }

// Actor is who changes an offer: a staff member or a recruiter.
type Actor struct{ StaffID, RecruiterID int64 }

const offerCols = `o.id, o.donor_id, d.org_name, o.title, o.rome_code, o.contract_type, o.contract_months, o.skills, o.hours_per_week, o.positions,
	o.insee_code, o.town, o.starts_on, o.experience, o.experience_months, o.description, o.state, o.created_at, o.updated_at
	FROM job_offers o JOIN donors d ON d.id = o.donor_id`

func scanOffer(row db.Scanner) (*Offer, error) {
	o := &Offer{}
	var starts, created, updated, skills string
	err := row.Scan(&o.ID, &o.DonorID, &o.Company, &o.Title, &o.ROME, &o.Contract, &o.ContractMonths, &skills, &o.Hours, &o.Positions, &o.INSEE, &o.Town,
		&starts, &o.Experience, &o.ExperienceMonths, &o.Description, &o.State, &created, &updated)
	o.StartsOn, _ = time.Parse(time.DateOnly, starts)
	o.CreatedAt, o.UpdatedAt = db.ParseTime(created), db.ParseTime(updated)
	o.Skills = ParseSkills(skills)
	return o, err
}

// ParseSkills reads an offer's stored skills, "3.4:4 5.2:3", leaving out
// what is not a Pix competence with a level from 1 to 8.
func ParseSkills(s string) map[string]int {
	out := map[string]int{}
	for _, f := range strings.Fields(s) {
		code, level, ok := strings.Cut(f, ":")
		n, err := strconv.Atoi(level)
		if ok && err == nil && n >= 1 && n <= 8 && positioning.ValidCompetence(code) {
			out[code] = n
		}
	}
	return out
}

// FormatSkills writes skills as stored, by competence code.
func FormatSkills(skills map[string]int) string {
	var out []string
	for _, code := range slices.Sorted(maps.Keys(skills)) {
		out = append(out, code+":"+strconv.Itoa(skills[code]))
	}
	return strings.Join(out, " ")
}

// SkillLine is a competence an offer asks for, for its page.
type SkillLine struct {
	Code  string
	Level int
	Job   bool // asked by the job's code (profiles.RomeSkills), not the offer
}

// Key is the catalog key of the competence's name.
func (s SkillLine) Key() string { return positioning.CompetenceKey(s.Code) }

// SkillsAsked are the competences matching asks of a person for the offer:
// the job code's and the offer's own, the higher level for one in both, in
// the framework's order.
func (o *Offer) SkillsAsked() []SkillLine {
	var out []SkillLine
	job := profiles.RomeSkills[o.ROME]
	for _, code := range positioning.Competences() {
		j, own := job[code], o.Skills[code]
		if j == 0 && own == 0 {
			continue
		}
		out = append(out, SkillLine{Code: code, Level: max(j, own), Job: j >= own})
	}
	return out
}

// OfferOf reads an offer of one company (db.ErrNotFound for another's): what
// a recruiter may open.
func OfferOf(ctx context.Context, d *db.DB, donorID, id int64) (*Offer, error) {
	o, err := scanOffer(d.QueryRowContext(ctx, "SELECT "+offerCols+" WHERE o.id = $1 AND o.donor_id = $2", id, donorID))
	return o, db.NotFound(err)
}

// OfferInScope reads an offer of a company the staff member's antennas follow
// (db.ErrNotFound otherwise).
func OfferInScope(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Offer, error) {
	args := db.Args{id}
	o, err := scanOffer(d.QueryRowContext(ctx, "SELECT "+offerCols+" WHERE o.id = $1 AND "+sc.Where("d.antenna_id", &args), args...))
	return o, db.NotFound(err)
}

// Filter narrows a list of offers; zero values keep everything.
type Filter struct {
	DonorID int64
	State   string
	ROME    string
}

// OffersPerPage is the length of a page of offers.
const OffersPerPage = 50

// Offers lists the offers of the scope's companies that pass f, the latest
// first, one more than a page to tell whether another follows.
func Offers(ctx context.Context, d *db.DB, sc auth.Scope, f Filter, offset int) ([]*Offer, error) {
	args := db.Args{}
	where := sc.Where("d.antenna_id", &args)
	return offers(ctx, d, where, args, f, offset)
}

// CompanyOffers lists a company's offers that pass f (its DonorID aside), the
// latest first, one more than a page.
func CompanyOffers(ctx context.Context, d *db.DB, donorID int64, f Filter, offset int) ([]*Offer, error) {
	args := db.Args{}
	f.DonorID = donorID
	return offers(ctx, d, "TRUE", args, f, offset)
}

func offers(ctx context.Context, d *db.DB, where string, args db.Args, f Filter, offset int) ([]*Offer, error) {
	if f.DonorID != 0 {
		where += " AND o.donor_id = " + args.Add(f.DonorID)
	}
	if slices.Contains(States, f.State) {
		where += " AND o.state = " + args.Add(f.State)
	}
	if f.ROME != "" {
		where += " AND o.rome_code = " + args.Add(f.ROME)
	}
	return db.Collect[*Offer](d.QueryContext(ctx, "SELECT "+offerCols+" WHERE "+where+" ORDER BY o.id DESC LIMIT "+
		args.Add(OffersPerPage+1)+" OFFSET "+args.Add(offset), args...))(scanOffer)
}

// SaveOffer creates (ID 0, open) or changes an offer's terms, and logs it.
func SaveOffer(ctx context.Context, d *db.DB, o *Offer, by Actor) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		kind := "edited"
		if o.ID == 0 {
			kind, o.State = "created", Open
			if err := tx.QueryRowContext(ctx, `INSERT INTO job_offers (donor_id, title, rome_code, contract_type, hours_per_week,
				insee_code, town, positions, starts_on, experience, experience_months, description, state, created_at, updated_at,
				contract_months, skills)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16) RETURNING id`,
				o.DonorID, o.Title, o.ROME, o.Contract, o.Hours, o.INSEE, o.Town, o.Positions, o.StartsOn.Format(time.DateOnly),
				o.Experience, o.ExperienceMonths, o.Description, o.State, now, o.ContractMonths, FormatSkills(o.Skills)).Scan(&o.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE job_offers SET title = $1, rome_code = $2, contract_type = $3, hours_per_week = $4,
				insee_code = $5, town = $6, positions = $7, starts_on = $8, experience = $9, experience_months = $10, description = $11,
				updated_at = $12, contract_months = $15, skills = $16 WHERE id = $13 AND donor_id = $14 AND state <> 'closed'`,
				o.Title, o.ROME, o.Contract, o.Hours, o.INSEE, o.Town, o.Positions, o.StartsOn.Format(time.DateOnly), o.Experience,
				o.ExperienceMonths, o.Description, now, o.ID, o.DonorID, o.ContractMonths, FormatSkills(o.Skills))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrTransition
			}
		}
		return logEvent(ctx, tx, o.ID, kind, o.State, by, now)
	})
}

// SetState moves an offer to state, when its present state allows it, and
// logs the change; ErrTransition otherwise (two people changing it at once:
// the second finds the state moved).
func SetState(ctx context.Context, d *db.DB, o *Offer, state string, by Actor) error {
	if !slices.Contains(Next(o.State), state) {
		return ErrTransition
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, "UPDATE job_offers SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
			state, now, o.ID, o.State)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTransition
		}
		o.State = state
		return logEvent(ctx, tx, o.ID, "state", state, by, now)
	})
}

func logEvent(ctx context.Context, tx *sql.Tx, offer int64, kind, state string, by Actor, at string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO job_offer_events (offer_id, kind, state, staff_id, recruiter_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
		offer, kind, state, db.NullID(by.StaffID), db.NullID(by.RecruiterID), at)
	return err
}

// Event is one line of an offer's log.
type Event struct {
	Kind, State string
	Who         string // the staff member's or recruiter's name
	Staff       bool   // the association's staff (else the company's recruiter)
	At          time.Time
}

// Events lists an offer's log, the latest first.
func Events(ctx context.Context, d *db.DB, offer int64) ([]*Event, error) {
	return db.Collect[*Event](d.QueryContext(ctx, `SELECT e.kind, e.state, COALESCE(s.name, c.name, ''), e.staff_id IS NOT NULL, e.at
		FROM job_offer_events e LEFT JOIN staff s ON s.id = e.staff_id
		LEFT JOIN recruiters r ON r.id = e.recruiter_id LEFT JOIN donor_contacts c ON c.id = r.contact_id
		WHERE e.offer_id = $1 ORDER BY e.id DESC`, offer))(func(row db.Scanner) (*Event, error) {
		e := &Event{}
		var at string
		err := row.Scan(&e.Kind, &e.State, &e.Who, &e.Staff, &at)
		e.At = db.ParseTime(at)
		return e, err
	})
}

// Company is an organisation donor, as the offers' pages name it.
type Company struct {
	ID   int64
	Name string
}

// CompaniesInScope lists the organisations among the scope's donors, by name.
func CompaniesInScope(ctx context.Context, d *db.DB, sc auth.Scope) ([]Company, error) {
	args := db.Args{}
	return db.Collect[Company](d.QueryContext(ctx, "SELECT id, org_name FROM donors d WHERE kind = 'organisation' AND "+
		sc.Where("d.antenna_id", &args)+" ORDER BY org_name, id", args...))(func(row db.Scanner) (Company, error) {
		var c Company
		return c, row.Scan(&c.ID, &c.Name)
	})
}

// CompanyInScope reads an organisation among the scope's donors.
func CompanyInScope(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Company, error) {
	args := db.Args{id}
	c := &Company{}
	err := d.QueryRowContext(ctx, "SELECT id, org_name FROM donors d WHERE id = $1 AND kind = 'organisation' AND "+
		sc.Where("d.antenna_id", &args), args...).Scan(&c.ID, &c.Name)
	return c, db.NotFound(err)
}
