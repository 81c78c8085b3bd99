// Command wubu is the Wubu server and its administration commands.
//
//	wubu serve     run the server
//	wubu demo      run the server with a demo company (SQLite), printing the URL and logins
//	wubu seed      fill an empty database with the demo company, of any size
//	wubu bench     measure the lookup over HTTP and SQL on a seeded database
//	wubu migrate   apply database migrations and exit
//	wubu project   add or list projects
//	wubu rooms     generate a building's rooms
//	wubu user      add a staff account
//	wubu import    import a resident list from .xlsx or .csv
//	wubu export    export a project's resident list to .xlsx
//	wubu audit     verify the audit log's hash chain
//	wubu backup    write a consistent copy of the database
//	wubu restore   fill an empty database from a backup
//	wubu keys      make and rotate the keys of residents' ID numbers
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/api"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/jobs"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/server"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/web"
)

// gcPercent is the garbage collector's target unless GOGC is set: a server
// of pages keeps little live memory (tens of MB) and makes much garbage per
// page (templates, rows), so letting the heap grow to five times what is
// live before collecting trades a little memory for a quarter more pages
// per processor second (docs/performance.md, Dashboard).
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "wubu:", cliMessage(err))
		os.Exit(exitCode(err))
	}
}

// cliMessage returns the message of an error for the terminal: a domain
// error's message, or the error itself.
func cliMessage(err error) string {
	if e := wubu.AsError(err); e != nil {
		return e.Message()
	}
	return err.Error()
}

// exitCode is 2 for usage errors and bad input, 1 otherwise.
func exitCode(err error) int {
	var ue usageError
	var be brokenAuditError
	if errors.As(err, &ue) || errors.As(err, &be) {
		return 2
	}
	switch wubu.ErrorCode(err) {
	case wubu.EINVALID, wubu.ECONFLICT, wubu.ENOTFOUND:
		return 2
	}
	return 1
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `Wubu — operations platform for residential property service centres (物业服务中心).

Usage:
  wubu <command> [flags]

Commands:
  serve     run the server
  demo      run the server with a demo company on SQLite, printing the URL and logins
  seed      fill an empty database with the demo company (--households N)
  bench     measure the lookup on a seeded database: HTTP and plain SQL, 16 clients
  migrate   apply database migrations and exit
  project   add or list projects (communities)
  rooms     generate a building's rooms in bulk
  user      add a staff account (password from standard input)
  import    import a resident list (.xlsx or .csv) into a project
  export    export a project's resident list to .xlsx
  audit     verify the audit log's hash chain (audit verify; exit status 2 if broken)
  backup    write a consistent copy of the database while it serves (backup FILE)
  restore   fill an empty data directory or database from a backup (restore FILE)
  bench-dashboard  measure the project dashboard on a seeded database: 16 clients, p50 and p99
  rollups   rebuild the daily roll-ups of the dashboards from scratch (rollups rebuild)
  keys      the keys that seal residents' ID numbers (keys new|rotate|reencrypt)

Every command takes --db DSN (or WUBU_DB) and --data DIR (or WUBU_DATA).
Run "wubu <command> -h" for its flags.
`

// run runs the command line; it is main without the exits, for tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return usageError{"no command given"}
		}
		return nil
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, args, stdout, stderr)
	case "bench":
		return cmdBench(ctx, args, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args, stdout, stderr)
	case "project":
		return cmdProject(ctx, args, stdout, stderr)
	case "rooms":
		return cmdRooms(ctx, args, stdout, stderr)
	case "user":
		return cmdUser(ctx, args, stdin, stdout, stderr)
	case "import":
		return cmdImport(ctx, args, stdout, stderr)
	case "export":
		return cmdExport(ctx, args, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, args, stdout, stderr)
	case "keys":
		return cmdKeys(ctx, args, stdout, stderr)
	case "rollups":
		return cmdRollups(ctx, args, stdout, stderr)
	case "bench-dashboard":
		return cmdBenchDashboard(ctx, args, stdout, stderr)
	case "crashload": // hidden: the crash test's load (outbox_crashload.go)
		return cmdCrashLoad(ctx, args, stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// Config is what the commands are configured with, from flags and the
// environment.
type Config struct {
	DB   string // DSN: postgres://… or an SQLite file path
	Data string // data directory
	Addr string // listen address of the server
	// DBFile is the SQLite file name in Data when DB is empty.
	DBFile string
	// Notify configures the outbox's channels (outbox.go).
	Notify NotifyConfig
	// HTTP is how the server meets the network (httpflags.go).
	HTTP HTTPConfig
	// Backup is the scheduled daily backup (backup.go).
	Backup BackupConfig
}

// DSN returns the database to open: DB if set, else the SQLite file in the
// data directory.
func (c Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.Data, c.DBFile)
}

// KeyDir returns where the key file of residents' ID numbers is: the data
// directory, or the directory of the SQLite file given by --db.
func (c Config) KeyDir() string {
	if c.DB != "" && !sqlstore.IsPostgres(c.DB) {
		return filepath.Dir(sqlstore.SQLitePath(c.DB))
	}
	return c.Data
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newFlags returns a flag set with the common database flags bound to cfg.
func newFlags(name, synopsis string, cfg *Config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("wubu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DB, "db", envOr("WUBU_DB", ""), "database `DSN`: postgres://user@host/db, or an SQLite file (default: wubu.db in the data directory) [WUBU_DB]")
	fs.StringVar(&cfg.Data, "data", envOr("WUBU_DATA", "data"), "data `directory` [WUBU_DATA]")
	sqliteSyncFlag(fs)
	cfg.DBFile = "wubu.db"
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wubu %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// Main is a running Wubu: its database and, when serving, its server and
// its durable jobs (SLA clocks).
type Main struct {
	Config Config
	Logger *slog.Logger
	DB     *sqlstore.DB
	Server *server.Server
	Jobs   *jobs.Scheduler
	// Clocks is the SLA clock service: made by Open, its stages fired by
	// Jobs once started.
	Clocks *sqlstore.ClockService
	// Outbox is the notification outbox; Delivery its delivery loop, once
	// started (outbox.go).
	Outbox   *sqlstore.OutboxService
	Delivery *notify.Dispatcher
	// WeChat (nil when not configured) and WeCom are the China channels'
	// accounts, shared by delivery and the residents' WeChat link.
	WeChat *notify.WeChat
	WeCom  *notify.WeCom
}

// Open opens and migrates the database.
func (m *Main) Open(ctx context.Context) error {
	db, err := sqlstore.Open(m.Config.DSN())
	if err != nil {
		return err
	}
	// The keys of residents' ID numbers: WUBU_SECRET_KEY, or the key file
	// in the data directory, made on first start (keys.go).
	db.KeyDir = m.Config.KeyDir()
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return err
	}
	if f := db.NewKeyFile(); f != "" && m.Logger != nil {
		m.Logger.Warn("made the key of residents' ID numbers: keep a copy apart from the backups, losing it loses the ID numbers", "file", f)
	}
	if err := m.Attach(db); err != nil {
		db.Close()
		return err
	}
	// A server keeps authenticated sessions for a moment (see
	// sqlstore.DB.CacheSessions): a session ended by another process
	// sharing the database serves at most this much longer.
	db.CacheSessions(2 * time.Second)
	db.CacheFigures(true)
	return nil
}

// Attach makes the open, migrated database Wubu's and builds the services
// that live as long as it does (the clock service).
func (m *Main) Attach(db *sqlstore.DB) error {
	cal, err := calendar.New()
	if err != nil {
		return err
	}
	m.DB = db
	m.Clocks = sqlstore.NewClockService(db, calendar.Schedule{Calendar: cal})
	m.Outbox = sqlstore.NewOutboxService(db)
	m.WeChat, m.WeCom = m.Config.Notify.chinaChannels(db.Clock.Now)
	return nil
}

// StartJobs starts the scheduler of durable jobs (SLA clocks) on the open
// database, migrating River's tables.
func (m *Main) StartJobs(ctx context.Context) error {
	rules := sqlstore.NewRulesEngine(m.DB, m.Outbox)
	rules.Visits = sqlstore.NewRevisitService(m.DB, sqlstore.NewSecurityService(m.DB)).WithClocks(m.Clocks)
	rules.Logger = m.Logger
	j, err := jobs.New(ctx, m.DB, m.Clocks, jobs.Config{Logger: m.Logger, Rollups: sqlstore.NewRollupService(m.DB), Rules: withTraining{rules: rules, training: sqlstore.NewTrainingService(m.DB, m.Clocks), logger: m.Logger}})
	if err != nil {
		return err
	}
	if err := j.Start(ctx); err != nil {
		j.Close(context.Background())
		return err
	}
	m.Jobs = j
	// The days of the roll-ups steps mark are recomputed soon after their
	// commits (sqlstore.DB.StartRollupFlusher), and every few seconds for
	// commits of other processes.
	m.DB.StartRollupFlusher(ctx, 5*time.Second)
	return nil
}

// Services returns the domain services over the database.
func (m *Main) Services() server.Services {
	training := sqlstore.NewTrainingService(m.DB, m.Clocks)
	return server.Services{
		Projects:  sqlstore.NewProjectService(m.DB),
		Org:       sqlstore.NewOrgService(m.DB),
		Users:     sqlstore.NewUserService(m.DB),
		Auth:      sqlstore.NewAuthService(m.DB),
		Audit:     sqlstore.NewAuditService(m.DB),
		Residents: sqlstore.NewResidentService(m.DB),
		Importer:  sqlstore.NewResidentService(m.DB),
		Rights:    sqlstore.NewResidentRights(m.DB),
		Retention: sqlstore.NewRetentionService(m.DB),
		Clocks:    m.Clocks,
		Outbox:    m.Outbox,
		// The proactive rules (E3, D4, H1, D3) and Today (F9): a feature
		// adds its agenda source as one more argument of NewAgendaService.
		Settings:  sqlstore.NewSettingsService(m.DB),
		Cards:     sqlstore.NewCardService(m.DB),
		Care:      sqlstore.NewCareService(m.DB),
		Greetings: sqlstore.NewGreetingService(m.DB, m.Outbox),
		Agenda:    sqlstore.NewAgendaService(m.DB, m.Clocks, sqlstore.NewOrderAgenda(m.DB), sqlstore.NewSecurityAgenda(m.DB), sqlstore.NewPatrolAgenda(m.DB), sqlstore.NewHousekeepingAgenda(m.DB), sqlstore.NewInboxAgenda(m.Outbox), sqlstore.NewRevisitAgenda(m.DB), sqlstore.NewComplaintAgenda(m.DB), sqlstore.NewMoveInAgenda(m.DB), sqlstore.NewDeskAgenda(m.DB), training.Agenda(), sqlstore.NewRenovationAgenda(m.DB), sqlstore.NewRoundTableAgenda(m.DB)),
		Passes:    sqlstore.NewPassService(m.DB, m.Clocks),
		Tenants:   sqlstore.NewTenantService(m.DB, m.Clocks),
		Incidents: sqlstore.NewIncidentService(m.DB, m.Clocks, m.Outbox),
		Patrols:   sqlstore.NewPatrolService(m.DB, m.Clocks, m.Outbox),
		Hazards:   sqlstore.NewHazardService(m.DB, m.Clocks),
		Parking:   sqlstore.NewParkingService(m.DB),
		Security:  sqlstore.NewSecurityService(m.DB),
		Knowledge: sqlstore.NewKnowledgeService(m.DB),

		Inspections:  sqlstore.NewInspectionService(m.DB),
		Housekeeping: sqlstore.NewHousekeepingService(m.DB),
		Orders:       sqlstore.NewOrderService(m.DB, m.Clocks, m.Outbox),
		// Revisits of residents, key customers with their buildings' security leaders (U4, S3).
		// Complaints with their fast lane, key-customer profiles, duty managers (U4, U3, E1).
		Complaints:   sqlstore.NewComplaintService(m.DB, m.Clocks),
		KeyProfiles:  sqlstore.NewKeyProfileService(m.DB),
		DutyManagers: sqlstore.NewDutyManagerService(m.DB),
		Revisits:     sqlstore.NewRevisitService(m.DB, sqlstore.NewSecurityService(m.DB)).WithClocks(m.Clocks),
		// Survey forms of visits (and community surveys) and move-ins by zone (K3, D1, D4, K7).
		Surveys: sqlstore.NewSurveyService(m.DB).WithNotifier(m.Outbox),
		MoveIns: sqlstore.NewMoveInService(m.DB, m.Clocks),
		// The front desk's queue, stairwell notices and gifts (E2, E4, D2, C6).
		Desk:           sqlstore.NewDeskService(m.DB),
		Stairwell:      sqlstore.NewStairwellService(m.DB),
		Prospects:      sqlstore.NewProspectService(m.DB),
		Focus:          sqlstore.NewFocusService(m.DB, m.Clocks),
		Handbook:       sqlstore.NewHandbookService(m.DB),
		LocalResources: sqlstore.NewLocalResourceService(m.DB),
		Segments:       sqlstore.NewSegmentService(m.DB),
		Scorecards:     sqlstore.NewScorecardService(m.DB),
		Gifts:          sqlstore.NewGiftService(m.DB),
		// Knowing the residents: quizzes, assessments, new hires, points (S1, C1, M1, K2, S6, U1).
		Training: training,
		// Renovations from the application to the acceptance (M4, S11).
		Renovations: sqlstore.NewRenovationService(m.DB, m.Clocks),
		// Community events and lectures (K1, H4, M4).
		Events: sqlstore.NewEventService(m.DB),
		// Notices on the board and pest-control plans (C3).
		Bulletins: sqlstore.NewBulletinService(m.DB).WithNotifier(m.Outbox),
		// The forum and interest groups, visitor passes, pre-move-in pages (K4, U5).
		Forum:         sqlstore.NewForumService(m.DB),
		VisitorPasses: sqlstore.NewVisitorPassService(m.DB),
		PreMoveIn:     sqlstore.NewPreMoveInService(m.DB),
		// The residents' portal: sign-in by SMS code, and what residents see and do (issue 15).
		Portal:        sqlstore.NewPortalAuth(m.DB),
		PortalService: sqlstore.NewPortalService(m.DB, m.Clocks),
		// Round tables and lobby hours (A1, A2).
		RoundTables: sqlstore.NewRoundTableService(m.DB, m.Clocks),
		Lobby:       sqlstore.NewLobbyService(m.DB),
		// The daily figures of the dashboards (U2).
		Rollups: sqlstore.NewRollupService(m.DB),
		// DemoSink is the demo's SMS and e-mail channel (nil when serving).
		DemoSink: m.Config.Notify.DemoSink,
		Channels: sqlstore.NewChannelService(m.DB),
		WeChat:   m.WeChat,
		WeCom:    m.WeCom,
	}
}

// NewServer builds the HTTP server with the pages and the API.
func (m *Main) NewServer() (*server.Server, error) {
	s := server.New(m.Services(), m.DB.Clock, m.Logger)
	if err := m.Config.HTTP.apply(s); err != nil {
		return nil, err
	}
	if _, err := web.New(s); err != nil {
		return nil, err
	}
	api.New(s)
	return s, nil
}

// Run opens the database, starts the server on the configured address and
// serves until ctx ends; ready is called once it listens.
func (m *Main) Run(ctx context.Context, ready func(url string)) error {
	if m.DB == nil {
		if err := m.Open(ctx); err != nil {
			return err
		}
	}
	if m.Jobs == nil {
		if err := m.StartJobs(ctx); err != nil {
			return err
		}
	}
	if m.Delivery == nil {
		m.StartDelivery(ctx)
	}
	sealCtx, stopSealing := context.WithCancel(ctx)
	defer stopSealing()
	go sealAudit(sealCtx, m.DB, m.Logger)
	go purgeDaily(sealCtx, m.DB, m.Logger)
	if m.Config.Backup.Dir != "" {
		go backupDaily(sealCtx, m.DB, m.Config.Backup, m.Logger)
	}
	s, err := m.NewServer()
	if err != nil {
		return err
	}
	if err := s.Listen(m.Config.Addr); err != nil {
		return err
	}
	m.Server = s
	errc := make(chan error, 1)
	go func() { errc <- s.Serve() }()
	if ready != nil {
		ready(s.URL())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = s.Shutdown(shutdown)
	m.stopDelivery()
	if m.Jobs != nil {
		err = errors.Join(err, m.Jobs.Close(shutdown))
		m.Jobs = nil
	}
	return err
}

// Close shuts down in order: HTTP, then jobs, then the database.
func (m *Main) Close() error {
	if m.Server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m.Server.Shutdown(ctx)
	}
	m.stopDelivery()
	if m.Jobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		m.Jobs.Close(ctx)
		m.Jobs = nil
	}
	if m.DB != nil {
		return m.DB.Close()
	}
	return nil
}

func newLogger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("WUBU_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("serve", "serve [--db DSN] [--data DIR] [--addr HOST:PORT]", &cfg, stderr)
	fs.StringVar(&cfg.Addr, "addr", envOr("WUBU_ADDR", "127.0.0.1:8080"), "listen `address` [WUBU_ADDR]")
	addNotifyFlags(fs, &cfg.Notify)
	addHTTPFlags(fs, &cfg.HTTP)
	addBackupFlags(fs, &cfg.Backup)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: newLogger(stderr)}
	defer m.Close()
	return m.Run(ctx, func(url string) {
		fmt.Fprintf(stdout, "Wubu is serving at %s (database: %s)\n", url, m.DB.Dialect)
	})
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("migrate", "migrate [--db DSN] [--data DIR] [--app-role NAME]", &cfg, stderr)
	appRole := fs.String("app-role", envOr("WUBU_APP_ROLE", ""), "PostgreSQL: create and grant the `role` Wubu serves as, which may not change or remove audit entries [WUBU_APP_ROLE]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	if err := jobs.Migrate(ctx, m.DB, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Migrations applied (%s).\n", m.DB.Dialect)
	if *appRole != "" {
		stmts, err := m.DB.SetupAppRole(ctx, *appRole)
		if err != nil {
			for _, q := range stmts {
				fmt.Fprintln(stderr, q+";")
			}
			return err
		}
		fmt.Fprintf(stdout, "Application role %s may read and write, but not change or remove audit entries: serve with it in --db.\n", *appRole)
	}
	return nil
}

// systemContext is the context of the command line: it acts for whoever
// runs the server, as a company admin with no account.
func systemContext(ctx context.Context) context.Context {
	return wubu.NewContextWithUser(ctx, &wubu.User{ID: 0, Login: "system:cli", Name: "command line", Role: wubu.RoleAdmin, Post: wubu.PostNone})
}
