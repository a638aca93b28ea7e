package volunteers

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Mission is a kind of work volunteers do for an antenna; its shifts are when.
type Mission struct {
	ID          int64
	AntennaID   int64
	AntennaName string
	Title       string
	Description string
	// Vulnerable: the mission works with minors or vulnerable adults, so a valid
	// check of honourability is required on the day of each shift.
	Vulnerable bool
	// Leading: a leading or supervising role (Compte d'engagement citoyen).
	Leading bool
	Active  bool
	Skills  []string // all required
}

// MissionsPerPage bounds a page of the missions list.
const MissionsPerPage = 50

const missionColumns = `m.id, m.antenna_id, a.name, m.title, m.description, m.vulnerable, m.supervising, m.active,
	COALESCE((SELECT ` + skillsAgg + ` FROM volunteer_mission_skills k WHERE k.mission_id = m.id), '')`

// skillsAgg joins the skill codes of a mission with commas, the same on both engines.
const skillsAgg = "STRING_AGG(k.skill, ',' ORDER BY k.skill)"

func scanMission(row db.Scanner) (*Mission, error) {
	var m Mission
	var skills string
	if err := row.Scan(&m.ID, &m.AntennaID, &m.AntennaName, &m.Title, &m.Description, &m.Vulnerable, &m.Leading,
		&m.Active, &skills); err != nil {
		return nil, db.NotFound(err)
	}
	if skills != "" {
		m.Skills = strings.Split(skills, ",")
	}
	return &m, nil
}

// MissionByID returns a mission of the scope's antennas.
func MissionByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Mission, error) {
	args := db.Args{id}
	where := sc.Where("m.antenna_id", &args)
	return scanMission(d.QueryRowContext(ctx, "SELECT "+missionColumns+
		" FROM volunteer_missions m JOIN antennas a ON a.id = m.antenna_id WHERE m.id = $1 AND "+where, args...))
}

// Missions lists the scope's missions, active ones or archived ones, by antenna
// and title, a page at a time.
func Missions(ctx context.Context, d *db.DB, sc auth.Scope, active bool, offset int) ([]*Mission, error) {
	args := db.Args{active}
	where := sc.Where("m.antenna_id", &args)
	return db.Collect[*Mission](d.QueryContext(ctx, "SELECT "+missionColumns+
		" FROM volunteer_missions m JOIN antennas a ON a.id = m.antenna_id WHERE m.active = $1 AND "+where+
		" ORDER BY a.name, m.title, m.id LIMIT "+args.Add(MissionsPerPage+1)+" OFFSET "+args.Add(offset), args...))(scanMission)
}

// SaveMission stores a new mission (ID 0) or changes one of the scope's; its
// antenna must be in the scope too (else db.ErrNotFound).
func SaveMission(ctx context.Context, d *db.DB, sc auth.Scope, m *Mission) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		args := db.Args{m.AntennaID}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM antennas WHERE id = $1 AND "+sc.Where("id", &args), args...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return db.ErrNotFound
		}
		now := db.Now()
		if m.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO volunteer_missions (antenna_id, title, description, vulnerable,
				supervising, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
				m.AntennaID, m.Title, m.Description, m.Vulnerable, m.Leading, m.Active, now).Scan(&m.ID); err != nil {
				return err
			}
		} else {
			args := db.Args{m.ID, m.AntennaID, m.Title, m.Description, m.Vulnerable, m.Leading, m.Active, now}
			res, err := tx.ExecContext(ctx, `UPDATE volunteer_missions SET antenna_id = $2, title = $3, description = $4,
				vulnerable = $5, supervising = $6, active = $7, updated_at = $8 WHERE id = $1 AND `+sc.Where("antenna_id", &args), args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
			// The shifts follow their mission's antenna.
			if _, err := tx.ExecContext(ctx, "UPDATE volunteer_shifts SET antenna_id = $1 WHERE mission_id = $2", m.AntennaID, m.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM volunteer_mission_skills WHERE mission_id = $1", m.ID); err != nil {
				return err
			}
		}
		for _, s := range m.Skills {
			if !slices.Contains(Skills, s) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO volunteer_mission_skills (mission_id, skill) VALUES ($1, $2) ON CONFLICT DO NOTHING", m.ID, s); err != nil {
				return err
			}
		}
		return nil
	})
}
