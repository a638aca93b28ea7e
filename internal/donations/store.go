package donations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// Donor kinds.
const (
	Individual   = "individual"
	Organisation = "organisation"
)

// Donor is a person or an organisation that gives.
type Donor struct {
	ID                   int64
	Kind                 string
	FirstName, LastName  string // a person
	OrgName, SIREN       string // an organisation
	Address, Postcode    string
	City, Country        string
	Email, Phone, Lang   string
	AntennaID            int64 // the antenna that follows the donor, 0 for none
	TurnoverCents        int64 // a company's yearly turnover excluding tax, 0 when unknown
	CreatedAt, UpdatedAt time.Time
}

// Name is how a receipt names the donor: "Amina Diallo" or the organisation.
func (d *Donor) Name() string {
	if d.Kind == Organisation {
		return d.OrgName
	}
	return strings.TrimSpace(d.FirstName + " " + d.LastName)
}

// FullAddress is the postal address on one line per part, as a receipt prints
// it; "" when a part a receipt needs is missing.
func (d *Donor) FullAddress() string {
	if strings.TrimSpace(d.Address) == "" || strings.TrimSpace(d.Postcode) == "" || strings.TrimSpace(d.City) == "" {
		return ""
	}
	s := strings.TrimSpace(d.Address) + "\n" + strings.TrimSpace(d.Postcode) + " " + strings.TrimSpace(d.City)
	if d.Country != "" && d.Country != "FR" {
		s += "\n" + d.Country
	}
	return s
}

// Form is the CERFA a receipt for this donor follows.
func (d *Donor) Form() string {
	if d.Kind == Organisation {
		return "16216"
	}
	return "11580"
}

// SaveDonor creates (ID 0) or changes a donor.
func SaveDonor(ctx context.Context, q *db.DB, d *Donor) error {
	now := db.Now()
	if d.Country == "" {
		d.Country = "FR"
	}
	if d.Lang == "" {
		d.Lang = "fr"
	}
	if d.ID == 0 {
		id, err := q.InsertID(ctx, `INSERT INTO donors (kind, first_name, last_name, org_name, siren, address, postcode, city, country,
			email, phone, lang, antenna_id, turnover_cents, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
			RETURNING id`, d.Kind, d.FirstName, d.LastName, d.OrgName, d.SIREN, d.Address, d.Postcode, d.City, d.Country,
			d.Email, d.Phone, d.Lang, db.NullID(d.AntennaID), d.TurnoverCents, now)
		d.ID = id
		return err
	}
	_, err := q.Exec(ctx, `UPDATE donors SET kind = $1, first_name = $2, last_name = $3, org_name = $4, siren = $5, address = $6,
		postcode = $7, city = $8, country = $9, email = $10, phone = $11, lang = $12, antenna_id = $13, turnover_cents = $14,
		updated_at = $15 WHERE id = $16`,
		d.Kind, d.FirstName, d.LastName, d.OrgName, d.SIREN, d.Address, d.Postcode, d.City, d.Country, d.Email, d.Phone, d.Lang,
		db.NullID(d.AntennaID), d.TurnoverCents, now, d.ID)
	return err
}

const donorCols = `id, kind, first_name, last_name, org_name, siren, address, postcode, city, country, email, phone, lang,
	COALESCE(antenna_id, 0), turnover_cents, created_at, updated_at FROM donors`

func scanDonor(row db.Scanner) (*Donor, error) {
	var d Donor
	var created, updated string
	err := row.Scan(&d.ID, &d.Kind, &d.FirstName, &d.LastName, &d.OrgName, &d.SIREN, &d.Address, &d.Postcode, &d.City,
		&d.Country, &d.Email, &d.Phone, &d.Lang, &d.AntennaID, &d.TurnoverCents, &created, &updated)
	d.CreatedAt, _ = time.Parse(time.RFC3339, created)
	d.UpdatedAt, _ = time.Parse(time.RFC3339, updated)
	return &d, err
}

// DonorByID reads a donor.
func DonorByID(ctx context.Context, q db.Execer, id int64) (*Donor, error) {
	d, err := scanDonor(q.QueryRowContext(ctx, "SELECT "+donorCols+" WHERE id = $1", id))
	return d, db.NotFound(err)
}

// Gift kinds and the ways money comes.
const (
	Money  = "money"
	InKind = "in_kind"
	Skills = "skills"
)

// Gift is one gift of a donor.
type Gift struct {
	ID, DonorID   int64
	Kind, Method  string
	AmountCents   int64
	ReceivedOn    time.Time
	Description   string
	AntennaID     int64 // restricted to an antenna, 0 for none
	ProgrammeID   int64 // restricted to a programme, 0 for none
	Recurring     bool
	HelloAssoID   string
	HelloAssoURL  string // the receipt HelloAsso issued, "" for none
	State         string
	CreatedBy     int64
	ReceiptNumber string // the receipt in force that covers it, "" for none
	// RestrictedTo names the antenna and programme it is restricted to.
	RestrictedTo []string
}

// AddGift stores a gift.
func AddGift(ctx context.Context, q *db.DB, g *Gift) error {
	if g.State == "" {
		g.State = "received"
	}
	var ha any
	if g.HelloAssoID != "" {
		ha = g.HelloAssoID
	}
	now := db.Now()
	id, err := q.InsertID(ctx, `INSERT INTO gifts (donor_id, kind, method, amount_cents, received_on, description, antenna_id,
		programme_id, recurring, helloasso_id, helloasso_receipt_url, state, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
		g.DonorID, g.Kind, g.Method, g.AmountCents, g.ReceivedOn.Format(time.DateOnly), g.Description, db.NullID(g.AntennaID),
		db.NullID(g.ProgrammeID), g.Recurring, ha, g.HelloAssoURL, g.State, db.NullID(g.CreatedBy), now)
	g.ID = id
	return err
}

// Why a receipt cannot be issued or cancelled.
var (
	ErrAddress      = errors.New("donations: the donor's postal address is incomplete")
	ErrNoGift       = errors.New("donations: no gift to receipt")
	ErrNotReceived  = errors.New("donations: a gift is refunded, cancelled or another donor's")
	ErrHelloAsso    = errors.New("donations: HelloAsso already issued the receipt of a gift")
	ErrReceipted    = errors.New("donations: a gift already has a receipt in force")
	ErrNotIssued    = errors.New("donations: the receipt is not in force")
	ErrReasonNeeded = errors.New("donations: a cancellation needs its reason")
)

// Receipt is a tax receipt.
type Receipt struct {
	ID             int64
	Year, Number   int
	DonorID        int64
	Form           string
	AmountCents    int64
	From, To       time.Time
	DonorName      string
	DonorAddress   string
	IssuedOn       time.Time
	IssuedBy       int64
	State          string
	CancelReason   string
	ReplacedBy     int64
	GiftIDs        []int64
	Methods, Kinds []string
	CancelledAt    time.Time
	CancelledBy    int64
}

// Ref is the receipt's number as printed: "2026-000042".
func (r *Receipt) Ref() string { return fmt.Sprintf("%04d-%06d", r.Year, r.Number) }

// Issue issues one receipt for gifts of a donor, dated on, numbered next in
// the year of on. Everything is checked before the number is taken, in the
// same transaction: a failure leaves no gap in the sequence, and two issues at
// once get two consecutive numbers (the sequence's row is held until commit).
func Issue(ctx context.Context, d *db.DB, donorID int64, giftIDs []int64, on time.Time, by int64) (*Receipt, error) {
	var r *Receipt
	err := d.Tx(ctx, func(tx *sql.Tx) (err error) {
		r, err = issue(ctx, tx, donorID, giftIDs, on, by)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// issue is Issue inside the caller's transaction.
func issue(ctx context.Context, tx *sql.Tx, donorID int64, giftIDs []int64, on time.Time, by int64) (*Receipt, error) {
	if len(giftIDs) == 0 {
		return nil, ErrNoGift
	}
	var r *Receipt
	err := func() error {
		donor, err := DonorByID(ctx, tx, donorID)
		if err != nil {
			return err
		}
		address := donor.FullAddress()
		if address == "" {
			return ErrAddress
		}
		r = &Receipt{Year: on.Year(), DonorID: donorID, Form: donor.Form(), DonorName: donor.Name(), DonorAddress: address,
			IssuedOn: on, IssuedBy: by, State: "issued", GiftIDs: giftIDs}
		args := db.Args{donorID}
		rows := 0
		err = db.Each(tx.QueryContext(ctx, `SELECT g.amount_cents, g.received_on, g.state, g.helloasso_receipt_url,
			EXISTS (SELECT 1 FROM receipt_gifts x WHERE x.gift_id = g.id AND x.in_force)
			FROM gifts g WHERE g.donor_id = $1 AND g.id IN (`+db.InList(&args, giftIDs)+`)`, args...))(func(row db.Scanner) error {
			var amount int64
			var day, state, url string
			var receipted bool
			if err := row.Scan(&amount, &day, &state, &url, &receipted); err != nil {
				return err
			}
			switch {
			case state != "received":
				return ErrNotReceived
			case url != "":
				return ErrHelloAsso
			case receipted:
				return ErrReceipted
			}
			t, _ := time.Parse(time.DateOnly, day)
			if r.From.IsZero() || t.Before(r.From) {
				r.From = t
			}
			if t.After(r.To) {
				r.To = t
			}
			r.AmountCents += amount
			rows++
			return nil
		})
		if err != nil {
			return err
		}
		if rows != len(giftIDs) {
			return ErrNotReceived
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO receipt_sequences (year, last_number) VALUES ($1, 1)
			ON CONFLICT (year) DO UPDATE SET last_number = receipt_sequences.last_number + 1 RETURNING last_number`, r.Year).Scan(&r.Number); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO receipts (year, number, donor_id, form, amount_cents, period_from, period_to,
			donor_name, donor_address, issued_on, issued_by, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'issued', $12) RETURNING id`,
			r.Year, r.Number, donorID, r.Form, r.AmountCents, r.From.Format(time.DateOnly), r.To.Format(time.DateOnly),
			r.DonorName, r.DonorAddress, on.Format(time.DateOnly), db.NullID(by), db.Now()).Scan(&r.ID); err != nil {
			return err
		}
		b := db.NewBatch(ctx, tx, "receipt_gifts", "receipt_id", "gift_id")
		for _, g := range giftIDs {
			if err := b.Add(r.ID, g); err != nil {
				return err
			}
		}
		if err := b.Flush(); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrReceipted // another issue took a gift at the same moment
			}
			return err
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Cancel withdraws a receipt in force, with the reason: it stays, readable,
// with its number; its gifts may be receipted again.
func Cancel(ctx context.Context, d *db.DB, id int64, reason string, by int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return cancel(ctx, tx, id, reason, by) })
}

func cancel(ctx context.Context, tx *sql.Tx, id int64, reason string, by int64) error {
	if strings.TrimSpace(reason) == "" {
		return ErrReasonNeeded
	}
	res, err := tx.ExecContext(ctx, `UPDATE receipts SET state = 'cancelled', cancelled_at = $1, cancelled_by = $2, cancel_reason = $3
		WHERE id = $4 AND state = 'issued'`, db.Now(), db.NullID(by), strings.TrimSpace(reason), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotIssued
	}
	_, err = tx.ExecContext(ctx, "UPDATE receipt_gifts SET in_force = FALSE WHERE receipt_id = $1", id)
	return err
}

// Replace corrects a receipt: it is cancelled with the reason, and a new one
// for the same gifts (with the donor as they are now: a corrected address) is
// issued on day on, in one transaction; the cancelled one points to it.
func Replace(ctx context.Context, d *db.DB, id int64, reason string, on time.Time, by int64) (*Receipt, error) {
	var r *Receipt
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var donorID int64
		if err := tx.QueryRowContext(ctx, "SELECT donor_id FROM receipts WHERE id = $1", id).Scan(&donorID); err != nil {
			return db.NotFound(err)
		}
		gifts, err := db.Collect[int64](tx.QueryContext(ctx, "SELECT gift_id FROM receipt_gifts WHERE receipt_id = $1 ORDER BY gift_id", id))(
			func(row db.Scanner) (int64, error) {
				var g int64
				err := row.Scan(&g)
				return g, err
			})
		if err != nil {
			return err
		}
		if err := cancel(ctx, tx, id, reason, by); err != nil {
			return err
		}
		if r, err = issue(ctx, tx, donorID, gifts, on, by); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE receipts SET replaced_by = $1 WHERE id = $2", r.ID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ReceiptByID reads a receipt, cancelled or not, with its gifts.
func ReceiptByID(ctx context.Context, d *db.DB, id int64) (*Receipt, error) {
	var r Receipt
	var from, to, issued string
	var cancelled sql.NullString
	err := d.QueryRowContext(ctx, `SELECT id, year, number, donor_id, form, amount_cents, period_from, period_to, donor_name,
		donor_address, issued_on, COALESCE(issued_by, 0), state, cancel_reason, COALESCE(replaced_by, 0), cancelled_at,
		COALESCE(cancelled_by, 0) FROM receipts WHERE id = $1`, id).Scan(&r.ID, &r.Year, &r.Number, &r.DonorID, &r.Form,
		&r.AmountCents, &from, &to, &r.DonorName, &r.DonorAddress, &issued, &r.IssuedBy, &r.State, &r.CancelReason, &r.ReplacedBy,
		&cancelled, &r.CancelledBy)
	if err != nil {
		return nil, db.NotFound(err)
	}
	r.From, _ = time.Parse(time.DateOnly, from)
	r.To, _ = time.Parse(time.DateOnly, to)
	r.IssuedOn, _ = time.Parse(time.DateOnly, issued)
	if cancelled.Valid {
		r.CancelledAt, _ = time.Parse(time.RFC3339, cancelled.String)
	}
	err = db.Each(d.QueryContext(ctx, `SELECT g.id, g.method, g.kind FROM receipt_gifts x JOIN gifts g ON g.id = x.gift_id
		WHERE x.receipt_id = $1 ORDER BY g.received_on, g.id`, id))(func(row db.Scanner) error {
		var gid int64
		var method, kind string
		if err := row.Scan(&gid, &method, &kind); err != nil {
			return err
		}
		r.GiftIDs = append(r.GiftIDs, gid)
		r.Methods = append(r.Methods, method)
		r.Kinds = append(r.Kinds, kind)
		return nil
	})
	return &r, err
}
