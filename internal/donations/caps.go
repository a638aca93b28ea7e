package donations

import (
	"context"
	"fmt"

	"tremplin/internal/platform/db"
)

// Cap is a company's year of gifts against the ceiling of the tax reduction
// (CGI art. 238 bis): the sum in force, or the share of its turnover when that
// is higher. Above it the company's reduction stops for the year (the excess
// carries over to the next five years): staff tell the company.
type Cap struct {
	Year       int
	GivenCents int64 // the year's gifts received, refunded ones left out
	CapCents   int64
	// FromTurnover says that the turnover's share set the cap.
	FromTurnover bool
}

// Over reports whether the year's gifts pass the cap.
func (c *Cap) Over() bool { return c.GivenCents > c.CapCents }

// CompanyCap computes a company's cap and gifts for year, by the rule in
// force on 1 January of that year.
func CompanyCap(ctx context.Context, d *db.DB, o *Donor, year int) (*Cap, error) {
	c := &Cap{Year: year}
	var perMille int64
	err := d.QueryRowContext(ctx, `SELECT company_cents, turnover_per_mille FROM donation_caps WHERE valid_from <= $1
		ORDER BY valid_from DESC LIMIT 1`, fmt.Sprintf("%04d-01-01", year)).Scan(&c.CapCents, &perMille)
	if err != nil {
		return nil, err
	}
	if share := o.TurnoverCents * perMille / 1000; share > c.CapCents {
		c.CapCents, c.FromTurnover = share, true
	}
	err = d.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM gifts WHERE donor_id = $1 AND state = 'received'
		AND received_on >= $2 AND received_on < $3`, o.ID, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)).Scan(&c.GivenCents)
	return c, err
}
