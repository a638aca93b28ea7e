package donations

import (
	"context"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Who sees a donor: the national admin all of them; a manager those followed
// by their antennas (a donor of the whole association, without an antenna, is
// the admins'). Advisers never (the routes are the managers').
func donorScope(sc auth.Scope, args *db.Args) string {
	return sc.Where("antenna_id", args)
}

// DonorsPerPage is the length of a page of donors.
const DonorsPerPage = 50

// Donors lists the scope's donors whose name, organisation or email holds q,
// by name, one more than a page to tell whether another follows.
func Donors(ctx context.Context, d *db.DB, sc auth.Scope, q string, offset int) ([]*Donor, error) {
	args := db.Args{}
	where := donorScope(sc, &args)
	if q = strings.TrimSpace(strings.ToLower(q)); q != "" {
		like := args.Add("%" + strings.NewReplacer("%", "", "_", "").Replace(q) + "%")
		where += " AND (LOWER(last_name) LIKE " + like + " OR LOWER(org_name) LIKE " + like + " OR LOWER(first_name) LIKE " + like +
			" OR email LIKE " + like + ")"
	}
	return db.Collect[*Donor](d.QueryContext(ctx, "SELECT "+donorCols+" WHERE "+where+
		" ORDER BY CASE kind WHEN 'organisation' THEN org_name ELSE last_name END, first_name, id LIMIT "+args.Add(DonorsPerPage+1)+
		" OFFSET "+args.Add(offset), args...))(scanDonor)
}

// DonorInScope reads a donor of the scope (db.ErrNotFound otherwise).
func DonorInScope(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Donor, error) {
	args := db.Args{id}
	o, err := scanDonor(d.QueryRowContext(ctx, "SELECT "+donorCols+" WHERE id = $1 AND "+donorScope(sc, &args), args...))
	return o, db.NotFound(err)
}

// GiftsOf lists a donor's gifts, the latest first, with the receipt in force
// that covers each.
func GiftsOf(ctx context.Context, d *db.DB, donorID int64, limit int) ([]*Gift, error) {
	return db.Collect[*Gift](d.QueryContext(ctx, `SELECT g.id, g.kind, g.method, g.amount_cents, g.received_on, g.description,
		g.recurring, COALESCE(g.helloasso_id, ''), g.helloasso_receipt_url, g.state,
		COALESCE((SELECT CAST(r.year AS TEXT) || '-' || CAST(r.number AS TEXT) FROM receipt_gifts x JOIN receipts r ON r.id = x.receipt_id
			WHERE x.gift_id = g.id AND x.in_force), ''), COALESCE(a.name, ''), COALESCE(p.title, '')
		FROM gifts g LEFT JOIN antennas a ON a.id = g.antenna_id LEFT JOIN programmes p ON p.id = g.programme_id
		WHERE g.donor_id = $1 ORDER BY g.received_on DESC, g.id DESC LIMIT $2`, donorID, limit))(func(row db.Scanner) (*Gift, error) {
		g := &Gift{DonorID: donorID}
		var on, ref, ant, prog string
		err := row.Scan(&g.ID, &g.Kind, &g.Method, &g.AmountCents, &on, &g.Description, &g.Recurring, &g.HelloAssoID,
			&g.HelloAssoURL, &g.State, &ref, &ant, &prog)
		for _, n := range []string{ant, prog} {
			if n != "" {
				g.RestrictedTo = append(g.RestrictedTo, n)
			}
		}
		g.ReceivedOn, _ = time.Parse(time.DateOnly, on)
		if year, number, ok := strings.Cut(ref, "-"); ok {
			g.ReceiptNumber = year + "-" + strings.Repeat("0", max(0, 6-len(number))) + number
		}
		return g, err
	})
}

// Receiptable reports whether the association may receipt the gift now.
func (g *Gift) Receiptable() bool {
	return g.State == "received" && g.HelloAssoURL == "" && g.ReceiptNumber == ""
}

// ReceiptsOf lists a donor's receipts, the latest first.
func ReceiptsOf(ctx context.Context, d *db.DB, donorID int64) ([]*Receipt, error) {
	return db.Collect[*Receipt](d.QueryContext(ctx, `SELECT id, year, number, form, amount_cents, period_from, period_to, issued_on,
		state, cancel_reason FROM receipts WHERE donor_id = $1 ORDER BY year DESC, number DESC LIMIT 200`, donorID))(func(row db.Scanner) (*Receipt, error) {
		r := &Receipt{DonorID: donorID}
		var from, to, issued string
		err := row.Scan(&r.ID, &r.Year, &r.Number, &r.Form, &r.AmountCents, &from, &to, &issued, &r.State, &r.CancelReason)
		r.From, _ = time.Parse(time.DateOnly, from)
		r.To, _ = time.Parse(time.DateOnly, to)
		r.IssuedOn, _ = time.Parse(time.DateOnly, issued)
		return r, err
	})
}

// AwaitingReceipt counts, up to limit, the one-off gifts of the scope's donors
// that the association has received and not yet receipted (HelloAsso's own
// receipts and the monthly gifts, receipted once a year, aside).
func AwaitingReceipt(ctx context.Context, d *db.DB, sc auth.Scope, limit int) (int, error) {
	args := db.Args{}
	where := sc.Where("o.antenna_id", &args)
	var n int
	err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM gifts g JOIN donors o ON o.id = g.donor_id
		WHERE g.state = 'received' AND NOT g.recurring AND g.helloasso_receipt_url = '' AND `+where+`
		AND NOT EXISTS (SELECT 1 FROM receipt_gifts x WHERE x.gift_id = g.id AND x.in_force) LIMIT `+args.Add(limit)+`) t`,
		args...).Scan(&n)
	return n, err
}
