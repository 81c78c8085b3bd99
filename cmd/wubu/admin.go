package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// openForCLI opens the database of the command's flags.
func openForCLI(ctx context.Context, cfg Config) (*Main, error) {
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

func cmdProject(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprintln(stderr, "Usage: wubu project add CODE NAME | wubu project list")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return usageError{"project: say add or list"}
	}
	var cfg Config
	sub := args[0]
	synopsis := "project add [--db DSN] [--data DIR] CODE NAME"
	if sub == "list" {
		synopsis = "project list [--db DSN] [--data DIR]"
	}
	fs := newFlags("project "+sub, synopsis, &cfg, stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if sub == "add" && fs.NArg() != 2 {
		fs.Usage()
		return usageError{"project add: give a CODE and a NAME"}
	}
	m, err := openForCLI(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	ctx = systemContext(ctx)
	ps := sqlstore.NewProjectService(m.DB)
	if sub == "list" {
		list, err := ps.FindProjects(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCODE\tNAME")
		for _, p := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", p.ID, p.Code, p.Name)
		}
		return tw.Flush()
	}
	p := &wubu.Project{Code: fs.Arg(0), Name: fs.Arg(1)}
	if err := ps.CreateProject(ctx, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Project %s (%s) created with ID %d.\n", p.Code, p.Name, p.ID)
	return nil
}

func cmdRooms(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "Usage: wubu rooms add --project CODE --building B --units N --floors N --per-floor N [--first-floor N] [--zone NAME]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return usageError{"rooms: say add"}
	}
	var cfg Config
	fs := newFlags("rooms add", "rooms add --project CODE --building B --units N --floors N --per-floor N [--first-floor N] [--zone NAME]", &cfg, stderr)
	project := fs.String("project", "", "project `CODE`")
	g := wubu.RoomGeneration{}
	fs.StringVar(&g.Building, "building", "", "building `name` (3, A, 12…)")
	fs.IntVar(&g.Units, "units", 1, "units (单元) 1…N")
	fs.BoolVar(&g.NoUnits, "no-units", false, "a building without units (garden houses): rooms read 1-301")
	fs.IntVar(&g.FirstFloor, "first-floor", 1, "lowest floor with homes")
	fs.IntVar(&g.Floors, "floors", 0, "top floor")
	fs.IntVar(&g.PerFloor, "per-floor", 0, "homes per floor")
	zone := fs.String("zone", "", "zone `name` for a new building (created if missing)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *project == "" || g.Building == "" || g.Floors == 0 || g.PerFloor == 0 {
		fs.Usage()
		return usageError{"rooms add: --project, --building, --floors and --per-floor are required"}
	}
	m, err := openForCLI(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	ctx = systemContext(ctx)
	p, err := sqlstore.NewProjectService(m.DB).FindProjectByCode(ctx, *project)
	if err != nil {
		return err
	}
	g.ProjectID = p.ID
	org := sqlstore.NewOrgService(m.DB)
	if *zone != "" {
		if g.ZoneID, err = zoneID(ctx, org, p.ID, *zone); err != nil {
			return err
		}
	}
	res, err := org.GenerateRooms(ctx, g)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: building %s, %d rooms generated (%s … %s).\n", p.Code, res.Building.Name, res.Created, res.First, res.Last)
	return nil
}

// zoneID returns the ID of the project's zone with the name, creating it.
func zoneID(ctx context.Context, org *sqlstore.OrgService, projectID int64, name string) (*int64, error) {
	zones, err := org.FindZones(ctx, projectID)
	if err != nil {
		return nil, err
	}
	for _, z := range zones {
		if z.Name == name {
			return &z.ID, nil
		}
	}
	z := &wubu.Zone{ProjectID: projectID, Name: name}
	if err := org.CreateZone(ctx, z); err != nil {
		return nil, err
	}
	return &z.ID, nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "Usage: wubu user add --project CODE[,CODE…] --login L --role ROLE --post POST [--name NAME] < password")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return usageError{"user: say add"}
	}
	var cfg Config
	fs := newFlags("user add", "user add --project CODE[,CODE…] --login L --role ROLE --post POST [--name NAME] < password", &cfg, stderr)
	projects := fs.String("project", "", "project `CODE`s, comma-separated (not for the admin role)")
	login := fs.String("login", "", "sign-in `name`")
	name := fs.String("name", "", "display name (default: the login)")
	role := fs.String("role", "", "`role`: staff, team_leader, manager, duty_manager, quality, admin")
	post := fs.String("post", "none", "`post`: security, cleaning, maintenance, service, none")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *login == "" || *role == "" {
		fs.Usage()
		return usageError{"user add: --login and --role are required"}
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	m, err := openForCLI(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	ctx = systemContext(ctx)
	nu := &wubu.NewUser{User: wubu.User{Login: *login, Name: *name, Role: wubu.Role(*role), Post: wubu.Post(*post)}, Password: password}
	ps := sqlstore.NewProjectService(m.DB)
	for _, code := range strings.Split(*projects, ",") {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		p, err := ps.FindProjectByCode(ctx, code)
		if err != nil {
			return err
		}
		nu.ProjectIDs = append(nu.ProjectIDs, p.ID)
	}
	if err := sqlstore.NewUserService(m.DB).CreateUser(ctx, nu); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Account %s (%s, %s) created with ID %d.\n", nu.Login, nu.Role, nu.Post, nu.ID)
	return nil
}
