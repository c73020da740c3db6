import ArgumentParser

/// The root command: a database toolkit for PGKit projects.
struct DBCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbctl",
        abstract: "Set up, migrate, inspect and browse the project's PostgreSQL database.",
        discussion: """
            Every command finds the database the same way: --database-url, then DATABASE_URL \
            in the environment, then DATABASE_URL in ./.env (a .env that cannot be read or \
            parsed is an error naming its line, never skipped). With none of them, the \
            development commands (setup, migrate, reset, seed, studio, generate) use a local PostgreSQL \
            cluster that dbctl runs (see dbctl db --help), started on demand, with a line saying so; \
            deploy, status and down fail instead.

            Development:  dbctl migrate --name add_tags --create-only
                          (edit migrations/NNNN_add_tags.up.sql and .down.sql)
                          dbctl migrate
            Production:   dbctl deploy
            """,
        subcommands: [
            Init.self, Setup.self, Migrate.self, Deploy.self, Lint.self, Status.self, Down.self, Reset.self, Generate.self, Seed.self, StudioCommand.self, Watch.self, LocalDatabase.self,
        ]
    )

    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }
}
