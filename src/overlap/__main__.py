from overlap.cli import main

main()
