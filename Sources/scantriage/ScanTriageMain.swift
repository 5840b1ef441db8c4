import ArgumentParser
import ScanTriageCLI

/// The executable is only this: everything else lives in the ScanTriageCLI library.
@main
struct ScanTriageMain {
    static func main() async {
        await ScanTriageCommand.main(nil)
    }
}
