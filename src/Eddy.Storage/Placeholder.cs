namespace Eddy.Storage;
