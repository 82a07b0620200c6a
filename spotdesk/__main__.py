from spotdesk.cli.main import main

raise SystemExit(main())
