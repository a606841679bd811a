namespace DeepSeekV4.PowerShell.Tests;

/// <summary>PowerShell's approved verbs by group, as documented in "Approved Verbs for PowerShell Commands" (and returned by Get-Verb on 7.x).</summary>
public static class ApprovedVerbs
{
    public static readonly IReadOnlyDictionary<string, string[]> ByGroup = new Dictionary<string, string[]>
    {
        ["Common"] = ["Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New",
            "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show", "Skip",
            "Split", "Step", "Switch", "Undo", "Unlock", "Watch"],
        ["Communications"] = ["Connect", "Disconnect", "Read", "Receive", "Send", "Write"],
        ["Data"] = ["Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand",
            "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync", "Unpublish", "Update"],
        ["Diagnostic"] = ["Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace"],
        ["Lifecycle"] = ["Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install", "Invoke",
            "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait"],
        ["Security"] = ["Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect"],
        ["Other"] = ["Use"],
    };

    public static readonly IReadOnlySet<string> All = ByGroup.Values.SelectMany(v => v).ToHashSet(StringComparer.Ordinal);
}
