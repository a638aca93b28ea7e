package donations

import (
	"context"
	"fmt"

	"tremplin/internal/platform/db"
)

// Declaration is what the association declares each year of the receipts it
// issued (CGI art. 222 bis: the total receipted and the number of receipts,
// form 2065 or 2070), with what explains the sequence: the receipts cancelled
// (their numbers are used, their amounts not declared) and any number missing.
type Declaration struct {
	Year int
	// Ours are the receipts the association issued in the year and still in
	// force; HelloAsso's, those HelloAsso issued on its behalf for gifts of the
	// year.
	Ours, HelloAsso Count
	// LastNumber is the last number of the year's sequence; every number from
	// 1 to it is either in force, cancelled or missing.
	LastNumber int
	Cancelled  []Withdrawn
	Missing    []int
}

// Count is a number of receipts and their total.
type Count struct {
	Receipts int
	Cents    int64
}

// Withdrawn is a cancelled receipt, as the declaration explains it.
type Withdrawn struct {
	Ref, Reason string
	Cents       int64
	ReplacedBy  string
}

// Total is what goes in the tax form: both counts together.
func (d *Declaration) Total() Count {
	return Count{Receipts: d.Ours.Receipts + d.HelloAsso.Receipts, Cents: d.Ours.Cents + d.HelloAsso.Cents}
}

// Consistent reports whether the sequence is explained: in force and cancelled
// receipts make up every number, none missing.
func (d *Declaration) Consistent() bool {
	return len(d.Missing) == 0 && d.Ours.Receipts+len(d.Cancelled) == d.LastNumber
}

// Declare computes the year's declaration.
func Declare(ctx context.Context, d *db.DB, year int) (*Declaration, error) {
	dec := &Declaration{Year: year}
	if err := d.QueryRowContext(ctx, "SELECT COALESCE(MAX(last_number), 0) FROM receipt_sequences WHERE year = $1", year).
		Scan(&dec.LastNumber); err != nil {
		return nil, err
	}
	// The sums are made by the database; the cancelled receipts, few, are
	// listed; the numbers are read one by one only when some are missing.
	var count int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'issued' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'issued' THEN amount_cents ELSE 0 END), 0) FROM receipts WHERE year = $1`, year).
		Scan(&count, &dec.Ours.Receipts, &dec.Ours.Cents); err != nil {
		return nil, err
	}
	err := db.Each(d.QueryContext(ctx, `SELECT r.number, r.amount_cents, r.cancel_reason, COALESCE(n.number, 0), COALESCE(n.year, 0)
		FROM receipts r LEFT JOIN receipts n ON n.id = r.replaced_by WHERE r.year = $1 AND r.state = 'cancelled' ORDER BY r.number`,
		year))(func(row db.Scanner) error {
		var number, replacedNumber, replacedYear int
		w := Withdrawn{}
		if err := row.Scan(&number, &w.Cents, &w.Reason, &replacedNumber, &replacedYear); err != nil {
			return err
		}
		w.Ref = fmt.Sprintf("%04d-%06d", year, number)
		if replacedNumber > 0 {
			w.ReplacedBy = fmt.Sprintf("%04d-%06d", replacedYear, replacedNumber)
		}
		dec.Cancelled = append(dec.Cancelled, w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if count != dec.LastNumber {
		next := 1
		err := db.Each(d.QueryContext(ctx, "SELECT number FROM receipts WHERE year = $1 ORDER BY number", year))(func(row db.Scanner) error {
			var number int
			if err := row.Scan(&number); err != nil {
				return err
			}
			for ; next < number; next++ {
				dec.Missing = append(dec.Missing, next)
			}
			next = number + 1
			return nil
		})
		if err != nil {
			return nil, err
		}
		for ; next <= dec.LastNumber; next++ {
			dec.Missing = append(dec.Missing, next)
		}
	}
	err = d.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(amount_cents), 0) FROM gifts
		WHERE received_on >= $1 AND received_on < $2 AND state = 'received' AND helloasso_receipt_url <> ''`,
		fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)).Scan(&dec.HelloAsso.Receipts, &dec.HelloAsso.Cents)
	if err != nil {
		return nil, err
	}
	return dec, nil
}
