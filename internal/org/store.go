// Package org is the association's structure: its antennas, the places where it
// works, and the staff accounts that belong to them.
package org

import (
	"context"
	"database/sql"
	"errors"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Antenna is a local branch of the association.
type Antenna struct {
	ID       int64
	Name     string
	City     string
	Country  string // ISO 3166-1 alpha-2
	Timezone string // IANA name, e.g. Europe/Paris, Africa/Blantyre
	Address  string
	Phone    string
}

// Place is a venue where an antenna receives people or teaches.
type Place struct {
	ID            int64
	AntennaID     int64
	AntennaName   string
	Country       string // the antenna's, which decides how postcodes are checked
	Name          string
	Address       string
	Postcode      string
	City          string
	OpeningHours  string // OpenStreetMap opening_hours syntax
	Accessibility string
	Pivot         string // SIRET or RNA of the structure running the place
}

// ErrNameTaken is returned when another antenna has the same name.
var ErrNameTaken = errors.New("name already used")

const antennaColumns = "id, name, city, country, timezone, address, phone"

func scanAntenna(row db.Scanner) (*Antenna, error) {
	var a Antenna
	err := row.Scan(&a.ID, &a.Name, &a.City, &a.Country, &a.Timezone, &a.Address, &a.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	return &a, err
}

// Antennas lists the antennas in scope, by name.
func Antennas(ctx context.Context, d *db.DB, sc auth.Scope) ([]*Antenna, error) {
	var args db.Args
	where := sc.Where("id", &args)
	return db.Collect[*Antenna](d.QueryContext(ctx, "SELECT "+antennaColumns+" FROM antennas WHERE "+where+" ORDER BY name", args...))(scanAntenna)
}

// AllAntennas lists every antenna; only for public pages showing names and cities,
// and for the national admin.
func AllAntennas(ctx context.Context, d *db.DB) ([]*Antenna, error) {
	return Antennas(ctx, d, auth.Scope{All: true})
}

// AntennaByID returns an antenna in scope, or db.ErrNotFound.
func AntennaByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Antenna, error) {
	args := db.Args{id}
	where := sc.Where("id", &args)
	return scanAntenna(d.QueryRowContext(ctx, "SELECT "+antennaColumns+" FROM antennas WHERE id = $1 AND "+where, args...))
}

// SaveAntenna creates (ID 0) or updates an antenna.
func SaveAntenna(ctx context.Context, d *db.DB, a *Antenna) error {
	var err error
	now := db.Now()
	if a.ID == 0 {
		a.ID, err = d.InsertID(ctx, `INSERT INTO antennas (name, city, country, timezone, address, phone, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, a.Name, a.City, a.Country, a.Timezone, a.Address, a.Phone, now)
	} else {
		var res sql.Result
		res, err = d.Exec(ctx, `UPDATE antennas SET name = $1, city = $2, country = $3, timezone = $4, address = $5, phone = $6, updated_at = $7
			WHERE id = $8`, a.Name, a.City, a.Country, a.Timezone, a.Address, a.Phone, now, a.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
		}
	}
	if db.IsUniqueViolation(err) {
		return ErrNameTaken
	}
	return err
}

const placeColumns = `p.id, p.antenna_id, a.name, a.country, p.name, p.address, p.postcode, p.city,
	p.opening_hours, p.accessibility, p.pivot`

func scanPlace(row db.Scanner) (*Place, error) {
	var p Place
	err := row.Scan(&p.ID, &p.AntennaID, &p.AntennaName, &p.Country, &p.Name, &p.Address, &p.Postcode, &p.City,
		&p.OpeningHours, &p.Accessibility, &p.Pivot)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	return &p, err
}

// Places lists the places in scope, optionally of one antenna (0 for all).
func Places(ctx context.Context, d *db.DB, sc auth.Scope, antennaID int64) ([]*Place, error) {
	args := db.Args{antennaID}
	where := sc.Where("p.antenna_id", &args)
	return db.Collect[*Place](d.QueryContext(ctx, "SELECT "+placeColumns+` FROM places p JOIN antennas a ON a.id = p.antenna_id
		WHERE ($1 = 0 OR p.antenna_id = $1) AND `+where+" ORDER BY a.name, p.name", args...))(scanPlace)
}

// PlaceByID returns a place in scope, or db.ErrNotFound.
func PlaceByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Place, error) {
	args := db.Args{id}
	where := sc.Where("p.antenna_id", &args)
	return scanPlace(d.QueryRowContext(ctx, "SELECT "+placeColumns+` FROM places p JOIN antennas a ON a.id = p.antenna_id
		WHERE p.id = $1 AND `+where, args...))
}

// SavePlace creates (ID 0) or updates a place.
func SavePlace(ctx context.Context, d *db.DB, p *Place) error {
	now := db.Now()
	if p.ID == 0 {
		var err error
		p.ID, err = d.InsertID(ctx, `INSERT INTO places (antenna_id, name, address, postcode, city, opening_hours, accessibility, pivot, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			p.AntennaID, p.Name, p.Address, p.Postcode, p.City, p.OpeningHours, p.Accessibility, p.Pivot, now)
		return err
	}
	res, err := d.Exec(ctx, `UPDATE places SET antenna_id = $1, name = $2, address = $3, postcode = $4, city = $5,
		opening_hours = $6, accessibility = $7, pivot = $8, updated_at = $9 WHERE id = $10`,
		p.AntennaID, p.Name, p.Address, p.Postcode, p.City, p.OpeningHours, p.Accessibility, p.Pivot, now, p.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}
