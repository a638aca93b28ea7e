package partners

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// The staff lists that grow with the association — referrals, and the figures
// per partner — read a page at a time from indexes: at a million learners
// (143,000 people referred by 300 organisations) reading them whole took most of
// a second, and three for the figures.

// antennasOf is the antennas whose records a staff member sees: nil for all.
func antennasOf(st *auth.Staff) []int64 {
	if st.Role == auth.Admin {
		return nil
	}
	if st.Antennas == nil {
		return []int64{}
	}
	return st.Antennas
}

// idsCond is the condition "column is one of ids" (nil: true), written
// with literals (ids of our own) so that the planner sees which index to walk.
func idsCond(column string, ids []int64) string {
	if ids == nil {
		return "1 = 1"
	}
	if len(ids) == 0 {
		return "1 = 0"
	}
	list := make([]string, len(ids))
	for i, a := range ids {
		list[i] = strconv.FormatInt(a, 10)
	}
	if len(list) == 1 {
		return column + " = " + list[0]
	}
	return column + " IN (" + strings.Join(list, ", ") + ")"
}

// Cursor is where a page of referrals starts: after the referral made at At with
// id ID (newest first).
type Cursor struct {
	At string // RFC 3339, as stored
	ID int64
}

// String is the cursor as written in a link.
func (c Cursor) String() string { return c.At + "_" + strconv.FormatInt(c.ID, 10) }

// ParseCursor reads a cursor written by String; ok is false for anything else.
func ParseCursor(s string) (Cursor, bool) {
	i := strings.LastIndexByte(s, '_')
	if i < 0 {
		return Cursor{}, false
	}
	id, err := strconv.ParseInt(s[i+1:], 10, 64)
	if _, terr := time.Parse(time.RFC3339Nano, s[:i]); err != nil || terr != nil || id <= 0 {
		return Cursor{}, false
	}
	return Cursor{At: s[:i], ID: id}, true
}

// ReferralsPage lists the referrals to antennas (nil: all) newest first, after
// the cursor when given, at most limit; next is the cursor of the following page
// ("" at the end).
func ReferralsPage(ctx context.Context, d *db.DB, antennas []int64, after *Cursor, limit int) ([]*Referral, string, error) {
	q := "SELECT " + referralColumns + ", r.created_at" + referralFrom + " WHERE " + idsCond("r.antenna_id", antennas)
	var args []any
	if after != nil {
		args = append(args, after.At, after.ID)
		q += " AND (r.created_at, r.id) < ($1, $2)"
	}
	q += fmt.Sprintf(" ORDER BY r.created_at DESC, r.id DESC LIMIT %d", limit+1)
	var list []*Referral
	var last Cursor
	next := ""
	err := db.Each(d.QueryContext(ctx, q, args...))(func(row db.Scanner) error {
		var raw string
		ref, err := scanReferral(rowWith{row, &raw})
		if err != nil {
			return err
		}
		if len(list) == limit { // the row past the page (LIMIT limit+1), the last one: a page follows
			next = last.String()
			return nil
		}
		list, last = append(list, ref), Cursor{At: raw, ID: ref.ID}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return list, next, nil
}

// rowWith scans a row whose last column goes to extra, after scanReferral's.
type rowWith struct {
	rows  db.Scanner
	extra *string
}

func (r rowWith) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra)...) }

// FiguresPage counts, for one page of the organisations that referred people to
// antennas (nil: all), by name, the people referred there and how far they went,
// from the impact counters (impact_referrals, read only: brought up to date by
// the impact package); more reports whether organisations follow.
func FiguresPage(ctx context.Context, d *db.DB, antennas []int64, offset, limit int) (list []*Figures, more bool, err error) {
	referred := "EXISTS (SELECT 1 FROM impact_referrals x WHERE x.org_id = o.id AND " + idsCond("x.antenna_id", antennas) + ")"
	rows, err := d.QueryContext(ctx, "SELECT o.id, o.name FROM partner_orgs o WHERE "+referred+" ORDER BY o.name, o.id LIMIT $1 OFFSET $2", limit+1, offset)
	list, err = db.Collect[*Figures](rows, err)(func(row db.Scanner) (*Figures, error) {
		var f Figures
		return &f, row.Scan(&f.OrgID, &f.OrgName)
	})
	if len(list) > limit {
		list, more = list[:limit], true
	}
	if err != nil || len(list) == 0 {
		return list, more, err
	}
	return list, more, sumCounters(ctx, d, antennas, list)
}

// OrgCounters counts the people that organisation o referred to antennas (nil:
// all) and how far they went, from the impact counters, as FiguresPage does.
func OrgCounters(ctx context.Context, d *db.DB, antennas []int64, o *Org) (*Figures, error) {
	f := &Figures{OrgID: o.ID, OrgName: o.Name}
	return f, sumCounters(ctx, d, antennas, []*Figures{f})
}

// sumCounters fills the figures of the organisations of list from their rows of
// impact_referrals in antennas (nil: all).
func sumCounters(ctx context.Context, d *db.DB, antennas []int64, list []*Figures) error {
	byID := map[int64]*Figures{}
	ids := make([]int64, len(list))
	for i, f := range list {
		byID[f.OrgID], ids[i] = f, f.OrgID
	}
	return db.Each(d.QueryContext(ctx, `SELECT x.org_id, COUNT(*), SUM(x.reached), SUM(x.enrolled), SUM(x.completed), SUM(x.positive)
		FROM impact_referrals x WHERE `+idsCond("x.org_id", ids)+" AND "+idsCond("x.antenna_id", antennas)+" GROUP BY x.org_id"))(func(row db.Scanner) error {
		var id int64
		var n, reached, enrolled, completed, positive int
		if err := row.Scan(&id, &n, &reached, &enrolled, &completed, &positive); err != nil {
			return err
		}
		if f := byID[id]; f != nil {
			f.Referred, f.Reached, f.Enrolled, f.Completed, f.Positive = n, reached, enrolled, completed, positive
		}
		return nil
	})
}
