package partners

import (
	"context"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// ReferredPerson is one person sent by a partner with their referral's listing:
// one line of the referrals export. The referral's counts (People, Known) are
// not read.
type ReferredPerson struct {
	Referral Referral
	Person   Person
}

// referredPage is how many referrals EachReferredPerson reads per page: a few
// thousand people at most, held while they are handed over. Pages are large
// because each costs PostgreSQL a plan of its eight joins.
var referredPage = 2000

// referredColumns are a referral's and one of its people's; the people's are
// empty for a referral without any (left joined, so that the page still counts
// it).
const referredColumns = `r.id, r.org_id, o.name, COALESCE(r.contact_id, 0), COALESCE(c.name, ''), r.antenna_id, a.name,
	COALESCE(r.programme_id, 0), COALESCE(pg.title, ''), r.source, r.created_at,
	COALESCE(rp.id, 0), COALESCE(lm.id, l0.id, 0), COALESCE(l0.first_name, ''), COALESCE(l0.last_name, ''), COALESCE(rp.state, ''),
	COALESCE(rp.reason, ''), COALESCE(rp.updated_at, ''), COALESCE(rp.known, FALSE)`

const referredJoins = ` JOIN referrals r ON r.id = page.id JOIN partner_orgs o ON o.id = r.org_id
	JOIN antennas a ON a.id = r.antenna_id LEFT JOIN partner_contacts c ON c.id = r.contact_id
	LEFT JOIN programmes pg ON pg.id = r.programme_id LEFT JOIN referral_people rp ON rp.referral_id = r.id
	LEFT JOIN learners l0 ON l0.id = rp.learner_id LEFT JOIN learners lm ON lm.id = l0.merged_into`

// EachReferredPerson calls fn for every person referred to the scope's antennas
// (by organisation orgID when not 0): referrals newest first, each one's people
// in the order they were sent. Each query reads one page of referrals, walking
// the index on (created_at, id) from a cursor, with their people: an export of
// every referral holds one page, and no read lasts long.
func EachReferredPerson(ctx context.Context, d *db.DB, sc auth.Scope, orgID int64, fn func(*ReferredPerson) error) error {
	var after *Cursor
	for {
		people, referrals, last, err := referredPageAfter(ctx, d, sc, orgID, after)
		if err != nil {
			return err
		}
		for _, p := range people {
			if err := fn(p); err != nil {
				return err
			}
		}
		if referrals < referredPage {
			return nil
		}
		after = &last
	}
}

// referredPageAfter reads the people of one page of the scope's referrals, after
// the cursor when given; it returns how many referrals the page held and where
// the next one starts.
func referredPageAfter(ctx context.Context, d *db.DB, sc auth.Scope, orgID int64, after *Cursor) (people []*ReferredPerson, referrals int, last Cursor, err error) {
	args := db.Args{orgID}
	page := "SELECT r.id FROM referrals r WHERE " + sc.Where("r.antenna_id", &args) + " AND ($1 = 0 OR r.org_id = $1)"
	if after != nil {
		page += " AND (r.created_at, r.id) < (" + args.Add(after.At) + ", " + args.Add(after.ID) + ")"
	}
	page += " ORDER BY r.created_at DESC, r.id DESC LIMIT " + strconv.Itoa(referredPage)
	err = db.Each(d.QueryContext(ctx, "SELECT "+referredColumns+" FROM ("+page+") page"+referredJoins+
		" ORDER BY r.created_at DESC, r.id DESC, rp.id", args...))(func(row db.Scanner) error {
		var raw string
		rp, err := scanReferred(row, &raw)
		if err != nil {
			return err
		}
		if rp.Referral.ID != last.ID {
			referrals, last = referrals+1, Cursor{At: raw, ID: rp.Referral.ID}
		}
		if rp.Person.ID != 0 {
			people = append(people, rp)
		}
		return nil
	})
	return people, referrals, last, err
}

// scanReferred reads a row of referredColumns; created is the referral's time
// as stored, for the cursor.
func scanReferred(row db.Scanner, created *string) (*ReferredPerson, error) {
	var rp ReferredPerson
	r, p := &rp.Referral, &rp.Person
	var updated string
	if err := row.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.ContactID, &r.ContactName, &r.AntennaID, &r.AntennaName,
		&r.ProgrammeID, &r.ProgrammeTitle, &r.Source, created,
		&p.ID, &p.LearnerID, &p.FirstName, &p.LastName, &p.State, &p.Reason, &updated, &p.Known); err != nil {
		return nil, err
	}
	r.CreatedAt, p.UpdatedAt = db.ParseTime(*created), db.ParseTime(updated)
	p.ReferralID, p.ReferredAt = r.ID, r.CreatedAt
	p.AntennaName, p.ProgrammeTitle = r.AntennaName, r.ProgrammeTitle
	return &rp, nil
}
