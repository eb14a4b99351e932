@_exported import KernelTrace
