package opendata

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// Association is the association's own identity, as the open-data files publish it.
type Association struct {
	Name        string
	SIRET       string // SIRET (14 digits) or SIREN (9 digits), normalised; may be empty
	RNA         string // W + 9 digits; may be empty
	Website     string
	Email       string
	Phone       string // compact, e.g. +33140000000
	Description string
	Networks    []string // data·inclusion "réseaux porteurs" codes
	UpdatedAt   time.Time
}

// Networks are the data·inclusion "réseaux porteurs" an admin may tick: the
// digital-inclusion ones of the national list (a test checks each is in it).
var Networks = []string{"konexio", "emmaus", "conseillers-numeriques", "espaces-publics-numeriques",
	"fabrique-de-territoire", "france-service", "grandes-ecoles-du-numerique", "simplon", "singa"}

// LoadAssociation returns the association's identity; before anyone fills it in,
// an Association with an empty name.
func LoadAssociation(ctx context.Context, d *db.DB) (*Association, error) {
	var a Association
	var networks, updated string
	err := d.QueryRowContext(ctx, `SELECT name, siret, rna, website, email, phone, description, networks, updated_at
		FROM association WHERE id = 1`).Scan(&a.Name, &a.SIRET, &a.RNA, &a.Website, &a.Email, &a.Phone, &a.Description, &networks, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return &a, nil
	}
	if err != nil {
		return nil, err
	}
	a.Networks = strings.Fields(networks)
	a.UpdatedAt = db.ParseTime(updated)
	return &a, nil
}

// SaveAssociation records the association's identity (there is only one row).
func SaveAssociation(ctx context.Context, d *db.DB, a *Association) error {
	_, err := d.Exec(ctx, `INSERT INTO association (id, name, siret, rna, website, email, phone, description, networks, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, siret = excluded.siret, rna = excluded.rna,
			website = excluded.website, email = excluded.email, phone = excluded.phone,
			description = excluded.description, networks = excluded.networks, updated_at = excluded.updated_at`,
		a.Name, a.SIRET, a.RNA, a.Website, a.Email, a.Phone, a.Description, strings.Join(a.Networks, " "), db.Now())
	return err
}

// source reads what the files are built from: other packages' tables, read only.
type source struct {
	assoc      *Association
	places     []place
	programmes []programme
	offered    map[int64][]int64 // programme id → ids of the places where it has run or runs
	levels     map[int64][]string
}

type place struct {
	ID                                                  int64
	Name, Address, Postcode, City, Hours, Access, Pivot string
	Antenna, Country, Phone                             string
	Updated                                             time.Time
}

type programme struct {
	ID                  int64
	Title, Level, Descr string
	Hours               int
	Certifying          bool
	Updated             time.Time
}

func load(ctx context.Context, d *db.DB) (*source, error) {
	s := &source{offered: map[int64][]int64{}, levels: map[int64][]string{}}
	var err error
	if s.assoc, err = LoadAssociation(ctx, d); err != nil {
		return nil, err
	}
	// A row's date is its latest change, the place's or its antenna's (the phone).
	s.places, err = db.Collect[place](d.QueryContext(ctx, `SELECT p.id, p.name, p.address, p.postcode, p.city, p.opening_hours,
		p.accessibility, p.pivot, a.name, a.country, a.phone, p.updated_at, a.updated_at
		FROM places p JOIN antennas a ON a.id = p.antenna_id ORDER BY p.id`))(func(row db.Scanner) (place, error) {
		var p place
		var pu, au string
		err := row.Scan(&p.ID, &p.Name, &p.Address, &p.Postcode, &p.City, &p.Hours, &p.Access, &p.Pivot,
			&p.Antenna, &p.Country, &p.Phone, &pu, &au)
		p.Updated = latest(db.ParseTime(pu), db.ParseTime(au))
		return p, err
	})
	if err != nil {
		return nil, err
	}
	s.programmes, err = db.Collect[programme](d.QueryContext(ctx, `SELECT id, title, level, description, total_hours, certifying, updated_at
		FROM programmes ORDER BY id`))(func(row db.Scanner) (programme, error) {
		var p programme
		var u string
		err := row.Scan(&p.ID, &p.Title, &p.Level, &p.Descr, &p.Hours, &p.Certifying, &u)
		p.Updated = db.ParseTime(u)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	// Drafts and cancelled cohorts were never offered to anyone.
	err = db.Each(d.QueryContext(ctx, `SELECT DISTINCT c.programme_id, c.place_id, p.level FROM cohorts c
		JOIN programmes p ON p.id = c.programme_id
		WHERE c.state IN ('open', 'full', 'running', 'finished') ORDER BY c.programme_id, c.place_id`))(func(row db.Scanner) error {
		var prog, pl int64
		var level string
		if err := row.Scan(&prog, &pl, &level); err != nil {
			return err
		}
		s.offered[prog] = append(s.offered[prog], pl)
		s.levels[pl] = append(s.levels[pl], level)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func latest(ts ...time.Time) time.Time {
	var t time.Time
	for _, x := range ts {
		if x.After(t) {
			t = x
		}
	}
	return t
}
