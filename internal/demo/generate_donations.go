package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/platform/db"
)

// genDonorsPerAntenna is how many donors each antenna follows by default.
const genDonorsPerAntenna = 300

// A generated receipt, numbered once all are known: numbers follow the days
// of issue within each year, as they do when staff issue them.
type genReceipt struct {
	id, donor     int64
	year, number  int
	form          string
	cents         int64
	from, to, on  time.Time
	name, address string
	gifts         []int64
	cancelled     bool
	replacedBy    int64
}

// donationsStep invents the donors the antennas follow and what they gave
// from genStart to genEnd: one donor in twelve a company (transfers, and
// laptops for some), one in ten a monthly donor (receipted once a year, in
// January), the others one-off gifts, some through HelloAsso with its own
// receipt. Gifts are receipted a few days after they arrive when the donor's
// address is known; one receipt in two hundred was wrong, cancelled and
// replaced. Numbers run without a gap in each year.
func (g *generator) donationsStep() error {
	if g.o.Donors < 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(g.o.Seed), 0x646f6e73))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	var next struct{ donor, gift, receipt int64 }
	for _, q := range []struct {
		table string
		dst   *int64
	}{{"donors", &next.donor}, {"gifts", &next.gift}, {"receipts", &next.receipt}} {
		if err := g.d.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+q.table).Scan(q.dst); err != nil {
			return err
		}
	}
	if err := donations.SaveSettings(g.ctx, g.d, &donations.Settings{Address: "12 rue d'Arras", Postcode: "59000", City: "Lille",
		Purpose: "Accompagner vers l'autonomie numérique et l'emploi les personnes qui en sont éloignées", BodyKind: "general_interest",
		SignatoryName: "Nadia Benali", SignatoryTitle: "présidente", Signature: demoSignature(), SignatureType: "png"}); err != nil {
		return err
	}
	per := g.o.Donors / len(g.antennaIDs)
	if g.o.Donors == 0 {
		per = genDonorsPerAntenna
	}
	created := db.FormatTime(genStart)
	var receipts []*genReceipt
	days := int(genEnd.Sub(genStart).Hours() / 24)
	pg := g.d.Engine == db.Postgres
	var donorsN, giftsN int
	err := g.pipe(50, func(emit func(db.BatchJob)) error {
		ds := db.NewBatch(g.ctx, nil, "donors", "id", "kind", "first_name", "last_name", "org_name", "siren", "address", "postcode", "city",
			"email", "antenna_id", "turnover_cents", "created_at", "updated_at")
		gs := db.NewBatch(g.ctx, nil, "gifts", "id", "donor_id", "kind", "method", "amount_cents", "received_on", "description", "recurring",
			"helloasso_id", "helloasso_receipt_url", "created_at", "updated_at")
		for _, b := range []*db.Batch{ds, gs} {
			b.Hold()
			b.Emit(emit, pg)
		}
		for ai, antenna := range g.antennaIDs {
			city := genCities[ai%len(genCities)]
			for range per {
				id := next.donor
				next.donor++
				donorsN++
				company := rng.IntN(12) == 0
				monthly := !company && rng.IntN(10) == 0
				first, last := pick(genFirst), pick(genLast)
				org, siren, turnover := "", "", int64(0)
				kind, form := donations.Individual, "11580"
				if company {
					kind, form = donations.Organisation, "16216"
					org = fmt.Sprintf("%s %s %s", last, pick([]string{"Conseil", "Numérique", "Services", "Informatique", "Logistique"}),
						pick([]string{"SAS", "SARL", "SA"}))
					siren = fmt.Sprintf("%09d", 300000000+rng.IntN(600000000))
					turnover = int64(500_000+rng.IntN(20_000_000)) * 100
				}
				address, postcode := "", ""
				if rng.IntN(20) != 0 { // one in twenty never gave an address
					address, postcode = fmt.Sprintf("%d rue %s", 1+rng.IntN(120), pick(genLast)), fmt.Sprintf("%05d", 10000+rng.IntN(85000))
				}
				email := fmt.Sprintf("donateur%d@generated.example", id)
				if err := ds.Add(id, kind, first, last, org, siren, address, postcode, city, email, antenna, turnover, created, created); err != nil {
					return err
				}
				name := first + " " + last
				if company {
					name = org
				}
				full := address + "\n" + postcode + " " + city
				gift := func(kind, method string, cents int64, on time.Time, what string, recurring bool, ha, url any) (int64, error) {
					gid := next.gift
					next.gift++
					giftsN++
					return gid, gs.Add(gid, id, kind, method, cents, dateOf(on), what, recurring, ha, url, created, created)
				}
				receipt := func(gifts []int64, cents int64, from, to, on time.Time) {
					if address == "" || on.After(genEnd) {
						return
					}
					r := &genReceipt{donor: id, form: form, cents: cents, from: from, to: to, on: on, name: name, address: full, gifts: gifts}
					receipts = append(receipts, r)
					if rng.IntN(200) == 0 { // a slip: cancelled, then issued again two days later
						r.cancelled = true
						again := *r
						again.cancelled, again.on = false, on.AddDate(0, 0, 2)
						if !again.on.After(genEnd) {
							receipts = append(receipts, &again)
						}
					}
				}
				start := genStart.AddDate(0, 0, rng.IntN(days))
				if monthly {
					cents := int64(10+5*rng.IntN(7)) * 100
					byYear := map[int][]int64{}
					for m := start; !m.After(genEnd); m = m.AddDate(0, 1, 0) {
						gid, err := gift(donations.Money, "direct_debit", cents, m, "", true, nil, "")
						if err != nil {
							return err
						}
						byYear[m.Year()] = append(byYear[m.Year()], gid)
						if rng.IntN(60) == 0 {
							break // the mandate stops
						}
					}
					for y, gifts := range byYear {
						from := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
						if y == start.Year() {
							from = start
						}
						to := from.AddDate(0, len(gifts)-1, 0)
						receipt(gifts, cents*int64(len(gifts)), from, to, time.Date(y+1, 1, 15, 0, 0, 0, 0, time.UTC))
					}
					continue
				}
				for on := start; !on.After(genEnd); on = on.AddDate(0, 0, 60+rng.IntN(400)) {
					switch {
					case company && rng.IntN(5) == 0:
						n := 5 + rng.IntN(20)
						gid, err := gift(donations.InKind, "", int64(n)*15000, on, fmt.Sprintf("%d ordinateurs portables reconditionnés", n), false, nil, "")
						if err != nil {
							return err
						}
						receipt([]int64{gid}, int64(n)*15000, on, on, on.AddDate(0, 0, 10))
					case company:
						cents := int64(1000+rng.IntN(15000)) * 100
						gid, err := gift(donations.Money, "transfer", cents, on, "", false, nil, "")
						if err != nil {
							return err
						}
						receipt([]int64{gid}, cents, on, on, on.AddDate(0, 0, 5+rng.IntN(15)))
					case rng.IntN(6) == 0: // through HelloAsso, which receipts most itself
						cents := int64(10+10*rng.IntN(15)) * 100
						ha := fmt.Sprintf("g%d", next.gift)
						url := ""
						if rng.IntN(5) != 0 {
							url = "https://www.helloasso.com/associations/tremplin/formulaires/1/paiement-recu-fiscal/" + ha
						}
						gid, err := gift(donations.Money, "helloasso", cents, on, "", false, ha, url)
						if err != nil {
							return err
						}
						if url == "" {
							receipt([]int64{gid}, cents, on, on, on.AddDate(0, 0, 5+rng.IntN(15)))
						}
					default:
						cents := int64(20+10*rng.IntN(30)) * 100
						method := pick([]string{"cheque", "cheque", "transfer", "card", "cash"})
						gid, err := gift(donations.Money, method, cents, on, "", false, nil, "")
						if err != nil {
							return err
						}
						receipt([]int64{gid}, cents, on, on, on.AddDate(0, 0, 3+rng.IntN(20)))
					}
					if rng.IntN(4) == 0 {
						break // this donor gave no more
					}
				}
			}
			for _, b := range []*db.Batch{ds, gs} {
				if err := b.Flush(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Numbers by day of issue within each year, without a gap.
	slices.SortStableFunc(receipts, func(a, b *genReceipt) int { return a.on.Compare(b.on) })
	last := map[int]int{}
	for _, r := range receipts {
		r.id = next.receipt
		next.receipt++
		r.year = r.on.Year()
		last[r.year]++
		r.number = last[r.year]
	}
	// A cancelled receipt points to the one that replaced it: the next with the
	// same gifts.
	for i, r := range receipts {
		if !r.cancelled {
			continue
		}
		for _, s := range receipts[i+1:] {
			if !s.cancelled && s.donor == r.donor && slices.Equal(s.gifts, r.gifts) {
				r.replacedBy = s.id
				break
			}
		}
	}
	err = g.pipe(50, func(emit func(db.BatchJob)) error {
		rs := db.NewBatch(g.ctx, nil, "receipts", "id", "year", "number", "donor_id", "form", "amount_cents", "period_from", "period_to",
			"donor_name", "donor_address", "issued_on", "state", "cancelled_at", "cancel_reason", "replaced_by", "created_at")
		xs := db.NewBatch(g.ctx, nil, "receipt_gifts", "receipt_id", "gift_id", "in_force")
		for _, b := range []*db.Batch{rs, xs} {
			b.Hold()
			b.Emit(emit, pg)
		}
		for i, r := range receipts {
			state, reason := "issued", ""
			var at, by any
			if r.cancelled {
				state, reason, at = "cancelled", "Adresse du donateur erronée", db.FormatTime(r.on.AddDate(0, 0, 2))
				if r.replacedBy != 0 {
					by = r.replacedBy
				}
			}
			if err := rs.Add(r.id, r.year, r.number, r.donor, r.form, r.cents, dateOf(r.from), dateOf(r.to), r.name, r.address,
				dateOf(r.on), state, at, reason, by, db.FormatTime(r.on)); err != nil {
				return err
			}
			for _, gid := range r.gifts {
				if err := xs.Add(r.id, gid, !r.cancelled); err != nil {
					return err
				}
			}
			if i%5000 == 4999 {
				if err := rs.Flush(); err != nil {
					return err
				}
				if err := xs.Flush(); err != nil {
					return err
				}
			}
		}
		if err := rs.Flush(); err != nil {
			return err
		}
		return xs.Flush()
	})
	if err != nil {
		return err
	}
	years := make([]int, 0, len(last))
	for y := range last {
		years = append(years, y)
	}
	slices.SortFunc(years, cmp.Compare)
	for _, y := range years {
		if _, err := g.d.Exec(g.ctx, `INSERT INTO receipt_sequences (year, last_number) VALUES ($1, $2)
			ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number`, y, last[y]); err != nil {
			return err
		}
	}
	fmt.Fprintf(g.o.Out, "\n  %d donors, %d gifts, %d receipts\n%-42s ", donorsN, giftsN, len(receipts), "")
	return nil
}
