import Foundation

/// Where the web client's static files are: the `public/` folder copied beside the executable as
/// this target's resources. bank-server serves it at `/` (index.html) and `/app/…` (modules, styles).
public enum WebClient {
    /// The path of the folder that holds `index.html`, or nil when the resources were not installed with the binary.
    public static var rootFolder: String? {
        Bundle.module.url(forResource: "public", withExtension: nil)?.path
    }
}
