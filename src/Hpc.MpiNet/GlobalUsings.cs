// The MPI namespace reuses Hpc's type names (Communicator, Intercommunicator, Request, Status,
// MessageTruncatedException), so inside this layer Hpc's own types are always spelled with these
// aliases; they are declared once here for every file.
global using HpcComm = Hpc.Communicator;
global using HpcInter = Hpc.Intercommunicator;
global using HpcRequest = Hpc.Request;
global using HpcStatus = Hpc.Status;
global using HpcTruncated = Hpc.MessageTruncatedException;
