package donations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// The payments of HelloAsso's API v5 (GET /organizations/{slug}/payments), as
// its JSON gives them: {"data": [payment…], "pagination": {…}}. Only the
// fields a gift needs are read.
type haPayments struct {
	Data []haPayment `json:"data"`
}

type haPayment struct {
	ID               json.Number `json:"id"`
	Amount           *int64      `json:"amount"` // cents, HelloAsso's tip included
	AmountTip        int64       `json:"amountTip"`
	Currency         string      `json:"currency"` // absent: euros, HelloAsso's only currency
	Date             string      `json:"date"`
	PaymentMeans     string      `json:"paymentMeans"`
	State            string      `json:"state"`
	FiscalReceiptURL string      `json:"fiscalReceiptUrl"`
	Order            struct {
		ID       json.Number `json:"id"`
		FormType string      `json:"formType"`
		FormSlug string      `json:"formSlug"`
	} `json:"order"`
	Payer struct {
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
		Email     string `json:"email"`
		Address   string `json:"address"`
		ZipCode   string `json:"zipCode"`
		City      string `json:"city"`
		Country   string `json:"country"`
		Company   string `json:"company"`
	} `json:"payer"`
	RefundOperations []struct {
		Amount int64  `json:"amount"`
		Status string `json:"status"`
	} `json:"refundOperations"`
}

// Import is what an import did, or would have done: each row's outcome.
type Import struct {
	Added, Unchanged, Refunded, Skipped int
	Rows                                []ImportRow
}

// ImportRow is one payment's outcome: Code is a catalog key's last part
// (added, unchanged, refunded, not_donation, not_paid) or, for a row that
// stops the import, its problem (amount, currency, date, id, encoding).
type ImportRow struct {
	Line  int // the payment's place in the file, from 1
	ID    string
	Code  string
	Error bool
}

// ErrImport is a file refused: nothing was written, Import.Rows say why.
var ErrImport = errors.New("donations: the file is refused")

// haGift is a payment checked and ready to write.
type haGift struct {
	row      int
	id       string
	cents    int64
	on       time.Time
	method   string
	refunded bool
	receipt  string
	donor    Donor
}

// ImportHelloAsso reads HelloAsso's payments, the JSON of its API or the CSV
// its back office exports, and records each
// donation as a gift, with its donor (found by email, or by name and postcode,
// or new), once however often the file is imported: a payment already there is
// unchanged, one refunded since is marked refunded (and its receipt, if we
// issued one, must be cancelled by staff). HelloAsso's tip is not the
// association's. Payments of other forms (memberships, events) and those not
// paid are left out and listed. A file with a row it cannot read (no id, an
// amount that is not cents, another currency, a date that is not one, text
// that is not UTF-8) is refused whole (ErrImport), each such row said.
func ImportHelloAsso(ctx context.Context, d *db.DB, r io.Reader, by int64) (*Import, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	rep := &Import{}
	if !utf8.Valid(raw) {
		rep.Rows = append(rep.Rows, ImportRow{Code: "encoding", Error: true})
		return rep, ErrImport
	}
	var file haPayments
	if trimmed := strings.TrimSpace(string(raw)); strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(&file); err != nil {
			rep.Rows = append(rep.Rows, ImportRow{Code: "layout", Error: true})
			return rep, ErrImport
		}
	} else {
		// The back office's CSV export: its columns found by their titles.
		payments, missing, err := haCSV(raw)
		switch {
		case err != nil || (payments == nil && missing == nil):
			rep.Rows = append(rep.Rows, ImportRow{Code: "layout", Error: true})
			return rep, ErrImport
		case len(missing) > 0:
			rep.Rows = append(rep.Rows, ImportRow{Code: "columns", ID: strings.Join(missing, ", "), Error: true})
			return rep, ErrImport
		}
		file.Data = payments
	}
	var gifts []haGift
	for i, p := range file.Data {
		row := ImportRow{Line: i + 1, ID: p.ID.String()}
		fail := func(code string) {
			row.Code, row.Error = code, true
			rep.Rows = append(rep.Rows, row)
		}
		if _, err := strconv.ParseInt(row.ID, 10, 64); err != nil {
			fail("id")
			continue
		}
		if p.Currency != "" && !strings.EqualFold(p.Currency, "EUR") {
			fail("currency")
			continue
		}
		if p.Amount == nil || *p.Amount-p.AmountTip <= 0 || p.AmountTip < 0 {
			fail("amount")
			continue
		}
		on, err := time.Parse(time.RFC3339, p.Date)
		if err != nil {
			if on, err = time.Parse("2006-01-02T15:04:05.999999999", p.Date); err != nil {
				fail("date")
				continue
			}
		}
		if !strings.EqualFold(p.Order.FormType, "Donation") {
			row.Code = "not_donation"
			rep.Rows = append(rep.Rows, row)
			rep.Skipped++
			continue
		}
		refunded := strings.EqualFold(p.State, "Refunded") || strings.EqualFold(p.State, "Refunding")
		for _, op := range p.RefundOperations {
			if !strings.EqualFold(op.Status, "Refused") && !strings.EqualFold(op.Status, "Canceled") {
				refunded = true
			}
		}
		if !refunded && !strings.EqualFold(p.State, "Authorized") && !strings.EqualFold(p.State, "Registered") {
			row.Code = "not_paid"
			rep.Rows = append(rep.Rows, row)
			rep.Skipped++
			continue
		}
		g := haGift{row: len(rep.Rows), id: row.ID, cents: *p.Amount - p.AmountTip, on: on.In(web.Paris), method: "helloasso",
			refunded: refunded, receipt: strings.TrimSpace(p.FiscalReceiptURL)}
		g.donor = Donor{Kind: Individual, FirstName: strings.TrimSpace(p.Payer.FirstName), LastName: strings.TrimSpace(p.Payer.LastName),
			Email: strings.ToLower(strings.TrimSpace(p.Payer.Email)), Address: strings.TrimSpace(p.Payer.Address),
			Postcode: strings.TrimSpace(p.Payer.ZipCode), City: strings.TrimSpace(p.Payer.City), Country: countryCode(p.Payer.Country)}
		if c := strings.TrimSpace(p.Payer.Company); c != "" {
			g.donor.Kind, g.donor.OrgName = Organisation, c
		}
		if g.donor.LastName == "" && g.donor.OrgName == "" {
			g.donor.LastName = g.donor.Email
		}
		if g.donor.LastName == "" && g.donor.OrgName == "" {
			fail("payer")
			continue
		}
		rep.Rows = append(rep.Rows, row)
		gifts = append(gifts, g)
	}
	for _, row := range rep.Rows {
		if row.Error {
			return rep, ErrImport
		}
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for _, g := range gifts {
			code, err := recordHelloAsso(ctx, tx, g, by)
			if err != nil {
				return fmt.Errorf("payment %s: %w", g.id, err)
			}
			rep.Rows[g.row].Code = code
			switch code {
			case "added":
				rep.Added++
			case "refunded":
				rep.Refunded++
			default:
				rep.Unchanged++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// countryCode turns HelloAsso's country (an ISO 3166 alpha-3 code, "FRA") into
// the two letters donors keep; unknown ones are kept as they are.
func countryCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "", "FRA", "FR", "FRANCE":
		return "FR"
	case "BEL":
		return "BE"
	case "CHE":
		return "CH"
	case "LUX":
		return "LU"
	case "DEU":
		return "DE"
	case "ESP":
		return "ES"
	case "ITA":
		return "IT"
	case "GBR":
		return "GB"
	case "MAR":
		return "MA"
	case "DZA":
		return "DZ"
	case "TUN":
		return "TN"
	case "SEN":
		return "SN"
	}
	return s
}

// recordHelloAsso writes one payment: a new gift (and donor when new), or
// nothing when it is there already, or its refund.
func recordHelloAsso(ctx context.Context, tx *sql.Tx, g haGift, by int64) (string, error) {
	var id int64
	var state string
	err := tx.QueryRowContext(ctx, "SELECT id, state FROM gifts WHERE helloasso_id = $1", g.id).Scan(&id, &state)
	switch {
	case err == nil:
		if g.refunded && state == "received" {
			_, err := tx.ExecContext(ctx, "UPDATE gifts SET state = 'refunded', updated_at = $1 WHERE id = $2", db.Now(), id)
			return "refunded", err
		}
		return "unchanged", nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", err
	}
	donorID, err := findOrAddDonor(ctx, tx, &g.donor)
	if err != nil {
		return "", err
	}
	state = "received"
	if g.refunded {
		state = "refunded"
	}
	now := db.Now()
	_, err = tx.ExecContext(ctx, `INSERT INTO gifts (donor_id, kind, method, amount_cents, received_on, helloasso_id,
		helloasso_receipt_url, state, created_by, created_at, updated_at) VALUES ($1, 'money', 'helloasso', $2, $3, $4, $5, $6, $7, $8, $8)`,
		donorID, g.cents, g.on.Format(time.DateOnly), g.id, g.receipt, state, db.NullID(by), now)
	if err != nil {
		return "", err
	}
	if g.refunded {
		return "refunded", nil
	}
	return "added", nil
}

// findOrAddDonor finds the donor by email, else by name and postcode, else
// stores them; an address the donor lacked is filled in, never overwritten.
func findOrAddDonor(ctx context.Context, tx *sql.Tx, o *Donor) (int64, error) {
	var id int64
	var err error
	if o.Email != "" {
		err = tx.QueryRowContext(ctx, "SELECT id FROM donors WHERE email = $1 AND kind = $2 ORDER BY id LIMIT 1", o.Email, o.Kind).Scan(&id)
	} else {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM donors WHERE kind = $1 AND last_name = $2 AND first_name = $3 AND org_name = $4
			AND postcode = $5 ORDER BY id LIMIT 1`, o.Kind, o.LastName, o.FirstName, o.OrgName, o.Postcode).Scan(&id)
	}
	switch {
	case err == nil:
		if o.Address != "" && o.Postcode != "" && o.City != "" {
			_, err = tx.ExecContext(ctx, `UPDATE donors SET address = $1, postcode = $2, city = $3, country = $4, updated_at = $5
				WHERE id = $6 AND (address = '' OR postcode = '' OR city = '')`, o.Address, o.Postcode, o.City, o.Country, db.Now(), id)
		}
		return id, err
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	now := db.Now()
	err = tx.QueryRowContext(ctx, `INSERT INTO donors (kind, first_name, last_name, org_name, address, postcode, city, country, email,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		o.Kind, o.FirstName, o.LastName, o.OrgName, o.Address, o.Postcode, o.City, o.Country, o.Email, now).Scan(&id)
	return id, err
}
