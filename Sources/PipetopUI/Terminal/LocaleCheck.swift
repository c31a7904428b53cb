import CNCurses

/// True when the locale's character set is UTF-8 (after `setlocale(LC_ALL, "")`).
public func localeIsUTF8() -> Bool {
    let cs = String(cString: pt_codeset()).uppercased()
    return cs == "UTF-8" || cs == "UTF8"
}
