package donations

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// Annual is the outcome of issuing a year's receipts to recurring donors.
type Annual struct {
	Issued  []*Receipt
	Refused []AnnualRefusal // donors not receipted, and why
}

// AnnualRefusal is a donor whose receipt could not be issued.
type AnnualRefusal struct {
	DonorID int64
	Name    string
	Err     error
}

// IssueAnnual issues, on day on, one receipt per donor who gave recurring
// gifts in year, covering all their gifts of the year (recurring or not) that
// no receipt in force covers and HelloAsso did not receipt. Each receipt is its
// own transaction: a donor without an address is refused and reported, the
// others are issued. progress, when given, is told after each donor.
func IssueAnnual(ctx context.Context, d *db.DB, year int, on time.Time, by int64, progress func(done, total int)) (*Annual, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	type due struct {
		donor int64
		name  string
		gifts []int64
	}
	var list []*due
	err := db.Each(d.QueryContext(ctx, `SELECT g.donor_id, COALESCE(NULLIF(o.org_name, ''), o.first_name || ' ' || o.last_name), g.id
		FROM gifts g JOIN donors o ON o.id = g.donor_id
		WHERE g.received_on >= $1 AND g.received_on < $2 AND g.state = 'received' AND g.helloasso_receipt_url = ''
		AND NOT EXISTS (SELECT 1 FROM receipt_gifts x WHERE x.gift_id = g.id AND x.in_force)
		AND g.donor_id IN (SELECT r.donor_id FROM gifts r WHERE r.recurring AND r.received_on >= $1 AND r.received_on < $2)
		ORDER BY g.donor_id, g.received_on, g.id`, from, to))(func(row db.Scanner) error {
		var donor, gift int64
		var name string
		if err := row.Scan(&donor, &name, &gift); err != nil {
			return err
		}
		if n := len(list); n == 0 || list[n-1].donor != donor {
			list = append(list, &due{donor: donor, name: strings.TrimSpace(name)})
		}
		list[len(list)-1].gifts = append(list[len(list)-1].gifts, gift)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &Annual{}
	for i, u := range list {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r, err := Issue(ctx, d, u.donor, u.gifts, on, by)
		switch {
		case err == nil:
			out.Issued = append(out.Issued, r)
		case errors.Is(err, ErrAddress), errors.Is(err, ErrReceipted), errors.Is(err, ErrNotReceived), errors.Is(err, ErrHelloAsso):
			out.Refused = append(out.Refused, AnnualRefusal{DonorID: u.donor, Name: u.name, Err: err})
		default:
			return out, err
		}
		if progress != nil {
			progress(i+1, len(list))
		}
	}
	return out, nil
}
